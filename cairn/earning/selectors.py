"""Reads for the educator's side of earning, always scoped to one educator's own pursuits."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from cairn.accounts.models import User
from cairn.catalog.models import EvidenceRequirement, MicroCredential, RequirementKind, RubricCriterion
from cairn.credentials.models import Award
from cairn.earning.models import Artifact, PortfolioEntry, Pursuit, PursuitStatus, Submission
from cairn.earning.services import WRITTEN_KINDS, Gap, completeness_gaps, word_count
from cairn.review.models import CriterionScore, Review, ReviewStatus


def educator_pursuits(user: User) -> QuerySet[Pursuit]:
    """Everything this person is pursuing or has pursued, newest activity first. The dashboard
    reads only these columns, so a page of rows is one query whatever its length."""
    return (
        Pursuit.objects.filter(educator=user)
        .select_related("version", "micro_credential")
        .only(
            "id",
            "status",
            "attempt_limit",
            "attempts_used",
            "started_at",
            "updated_at",
            "version__title",
            "version__number",
            "micro_credential__slug",
        )
        .order_by("-updated_at", "-id")
    )


def live_pursuit(user: User | AnonymousUser, micro_credential: MicroCredential) -> Pursuit | None:
    """The person's pursuit of this micro-credential that has not been withdrawn, if any."""
    if not user.is_authenticated:
        return None
    return (
        Pursuit.objects.filter(educator=user, micro_credential=micro_credential)
        .exclude(status=PursuitStatus.WITHDRAWN)
        .first()
    )


def current_attempt(pursuit: Pursuit) -> int:
    """The attempt being prepared (while editable) or the last one made."""
    if pursuit.status == PursuitStatus.IN_PROGRESS:
        return pursuit.attempts_used + 1
    return max(pursuit.attempts_used, 1)


def next_step(pursuit: Pursuit) -> str:
    """What the educator should do now, in one sentence (no queries)."""
    status = pursuit.status
    attempt = current_attempt(pursuit)
    if status == PursuitStatus.IN_PROGRESS:
        if pursuit.attempts_used:
            return f"Revise your evidence using the feedback, then submit attempt {attempt}."
        return "Build your evidence for each requirement, then submit attempt 1."
    if status == PursuitStatus.SUBMITTED:
        return f"Nothing to do now: attempt {attempt} is waiting for an assessor."
    if status == PursuitStatus.IN_REVIEW:
        return f"Nothing to do now: an assessor is reviewing attempt {attempt}."
    if status == PursuitStatus.NOT_YET:
        left = pursuit.attempts_left
        if left:
            return f"Read the feedback and resubmit ({left} attempt{'s' if left != 1 else ''} left)."
        return "No attempts are left. Talk to your coach or program coordinator about next steps."
    if status == PursuitStatus.EARNED:
        return "Earned. Download your signed credential from this page."
    return "Withdrawn. It stays in your history; you can start again from the catalog."


def safe_link(url: str) -> str:
    """Only web addresses become links; anything else (javascript:, data:) is shown as text."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url.strip() if scheme in ("http", "https") else ""


@dataclass(frozen=True)
class CriterionResult:
    """One criterion as the assessor scored it, in plain words."""

    criterion: RubricCriterion
    level_name: str
    required_name: str
    meets: bool
    feedback: str


@dataclass
class Feedback:
    submission: Submission
    review: Review
    results: list[CriterionResult]

    @property
    def met(self) -> list[CriterionResult]:
        return [r for r in self.results if r.meets]

    @property
    def not_yet(self) -> list[CriterionResult]:
        return [r for r in self.results if not r.meets]

    def for_requirement(self, requirement_id: int) -> list[CriterionResult]:
        return [r for r in self.results if r.criterion.requirement_id == requirement_id]


def submission_feedback(submission: Submission) -> Feedback | None:
    """The finalized review of a decided submission, criterion by criterion (rubric order)."""
    review = (
        Review.objects.filter(submission=submission, status=ReviewStatus.FINALIZED)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=CriterionScore.objects.select_related("criterion__requirement").order_by(
                    "criterion__requirement__position", "criterion__position", "criterion__id"
                ),
            )
        )
        .first()
    )
    if review is None:
        return None
    results = []
    for score in review.scores.all():
        criterion = score.criterion
        levels = criterion.levels
        level_name = str(levels[score.level]["name"]) if score.level is not None and score.level < len(levels) else ""
        results.append(
            CriterionResult(
                criterion=criterion,
                level_name=level_name,
                required_name=criterion.required_level_name,
                meets=score.meets,
                feedback=score.feedback,
            )
        )
    return Feedback(submission=submission, review=review, results=results)


@dataclass
class RequirementBlock:
    """One evidence requirement on the pursuit page: the rubric, the draft, the files, what is
    still missing and, on a resubmission, how the last attempt was scored."""

    requirement: EvidenceRequirement
    criteria: list[RubricCriterion]
    entry: PortfolioEntry | None
    artifacts: list[Artifact]
    gaps: list[str] = field(default_factory=list)
    previous: list[CriterionResult] = field(default_factory=list)
    # Set by a page shown again after a refused save or upload (no script on the page):
    # the refusal, and what the person had typed so the form shows it rather than losing it.
    error: str = ""
    override: dict[str, str] = field(default_factory=dict)
    upload_error: str = ""

    def _value(self, name: str) -> str:
        if name in self.override:
            return self.override[name]
        return str(getattr(self.entry, name, "")) if self.entry else ""

    @property
    def text(self) -> str:
        return self._value("text")

    @property
    def link_url(self) -> str:
        return self._value("link_url")

    @property
    def link_title(self) -> str:
        return self._value("link_title")

    @property
    def revision(self) -> int:
        return self.entry.revision if self.entry else 0

    @property
    def is_written(self) -> bool:
        return self.requirement.kind in WRITTEN_KINDS

    @property
    def is_link(self) -> bool:
        return self.requirement.kind == RequirementKind.LINK

    @property
    def takes_files(self) -> bool:
        return self.requirement.kind == RequirementKind.UPLOAD or bool(self.requirement.file_kinds)

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def over_limit(self) -> bool:
        return bool(self.requirement.word_limit) and self.words > (self.requirement.word_limit or 0)

    @property
    def done(self) -> bool:
        return not self.gaps

    @property
    def rubric(self) -> list[tuple[RubricCriterion, CriterionResult | None]]:
        """Each criterion with how the last attempt was scored on it (None before any decision)."""
        previous = {r.criterion.pk: r for r in self.previous}
        return [(c, previous.get(c.pk)) for c in self.criteria]


@dataclass
class PursuitPage:
    pursuit: Pursuit
    blocks: list[RequirementBlock]
    gaps: list[Gap]
    submissions: list[Submission]
    feedback: Feedback | None
    award: Award | None
    attempt: int
    next_step: str

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def can_withdraw(self) -> bool:
        return PursuitStatus.WITHDRAWN in Pursuit.TRANSITIONS[self.pursuit.status]

    @property
    def can_resubmit(self) -> bool:
        return self.pursuit.status == PursuitStatus.NOT_YET and self.pursuit.attempts_left > 0

    @property
    def done_count(self) -> int:
        return sum(1 for b in self.blocks if b.done)

    @property
    def missing_count(self) -> int:
        return len(self.blocks) - self.done_count


def _requirements(pursuit: Pursuit) -> list[EvidenceRequirement]:
    return list(
        pursuit.version.requirements.order_by("position", "id").prefetch_related(
            Prefetch("criteria", queryset=RubricCriterion.objects.order_by("position", "id"))
        )
    )


def pursuit_page(pursuit: Pursuit) -> PursuitPage:
    """Everything the pursuit page shows, in a fixed number of queries."""
    requirements = _requirements(pursuit)
    entries = {e.requirement_id: e for e in PortfolioEntry.objects.filter(pursuit=pursuit)}
    files: dict[int, list[Artifact]] = {}
    for artifact in Artifact.objects.filter(pursuit=pursuit, removed_at__isnull=True).order_by("uploaded_at", "id"):
        files.setdefault(artifact.requirement_id, []).append(artifact)
    gaps = completeness_gaps(pursuit) if pursuit.status == PursuitStatus.IN_PROGRESS else []
    gaps_by_requirement: dict[int, list[str]] = {}
    for gap in gaps:
        gaps_by_requirement.setdefault(gap.requirement.pk, []).append(gap.message)
    submissions = list(pursuit.submissions.order_by("attempt"))
    decided = [s for s in submissions if s.decision]
    feedback = submission_feedback(decided[-1]) if decided else None
    blocks = [
        RequirementBlock(
            requirement=r,
            criteria=list(r.criteria.all()),
            entry=entries.get(r.pk),
            artifacts=files.get(r.pk, []),
            gaps=gaps_by_requirement.get(r.pk, []),
            previous=feedback.for_requirement(r.pk) if feedback else [],
        )
        for r in requirements
    ]
    award = (
        Award.objects.filter(pursuit=pursuit).select_related("credential", "submission").first()
        if pursuit.status == PursuitStatus.EARNED
        else None
    )
    return PursuitPage(
        pursuit=pursuit,
        blocks=blocks,
        gaps=gaps,
        submissions=submissions,
        feedback=feedback,
        award=award,
        attempt=current_attempt(pursuit),
        next_step=next_step(pursuit),
    )


def pursuit_checklist(pursuit: Pursuit) -> list[RequirementBlock]:
    """The checklist alone (the "Check what's missing" button): requirements and their gaps."""
    gaps_by_requirement: dict[int, list[str]] = {}
    for gap in completeness_gaps(pursuit):
        gaps_by_requirement.setdefault(gap.requirement.pk, []).append(gap.message)
    return [
        RequirementBlock(requirement=r, criteria=[], entry=None, artifacts=[], gaps=gaps_by_requirement.get(r.pk, []))
        for r in pursuit.version.requirements.order_by("position", "id")
    ]


def requirement_files(pursuit: Pursuit, requirement: EvidenceRequirement) -> list[Artifact]:
    return list(
        Artifact.objects.filter(pursuit=pursuit, requirement=requirement, removed_at__isnull=True).order_by(
            "uploaded_at", "id"
        )
    )


@dataclass(frozen=True)
class EvidenceBlock:
    """One requirement's evidence as an assessor reads it."""

    title: str
    kind: str
    kind_label: str
    text: str
    link_url: str
    link_title: str
    artifacts: list[Artifact]

    @property
    def safe_link_url(self) -> str:
        return safe_link(self.link_url)


def submission_evidence(submission: Submission) -> list[EvidenceBlock]:
    """The frozen snapshot of an attempt, with its files."""
    artifacts = {a.pk: a for a in submission.artifacts.all()}
    labels = dict(RequirementKind.choices)
    return [
        EvidenceBlock(
            title=item.get("title", ""),
            kind=item.get("kind", ""),
            kind_label=labels.get(item.get("kind", ""), ""),
            text=item.get("text", ""),
            link_url=item.get("link_url", ""),
            link_title=item.get("link_title", ""),
            artifacts=[artifacts[i] for i in item.get("artifact_ids", []) if i in artifacts],
        )
        for item in submission.snapshot.get("requirements", [])
    ]


def portfolio_evidence(pursuit: Pursuit) -> list[EvidenceBlock]:
    """The working portfolio laid out as the next submission will be."""
    entries = {e.requirement_id: e for e in PortfolioEntry.objects.filter(pursuit=pursuit)}
    files: dict[int, list[Artifact]] = {}
    for artifact in Artifact.objects.filter(pursuit=pursuit, removed_at__isnull=True).order_by("uploaded_at", "id"):
        files.setdefault(artifact.requirement_id, []).append(artifact)
    blocks = []
    for r in pursuit.version.requirements.order_by("position", "id"):
        entry = entries.get(r.pk)
        blocks.append(
            EvidenceBlock(
                title=r.title,
                kind=r.kind,
                kind_label=r.get_kind_display(),
                text=entry.text if entry else "",
                link_url=entry.link_url if entry else "",
                link_title=entry.link_title if entry else "",
                artifacts=files.get(r.pk, []),
            )
        )
    return blocks
