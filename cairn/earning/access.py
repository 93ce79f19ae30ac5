"""Who may open which part of an educator's portfolio.

A portfolio is private to its educator: anyone else (another educator, a coach, a district
coordinator, an outsider) gets 404, so they learn nothing about whether it exists. The one
exception is an evidence file, which an assessor may download while they hold a live claim
on, or have finalized, a review of a submission that includes it."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cairn.accounts.models import User
from cairn.catalog.models import EvidenceRequirement
from cairn.earning.models import Artifact, Pursuit, Submission


def access_pursuit(user: User | AnonymousUser, pursuit_id: int) -> Pursuit:
    """The pursuit, only for the educator pursuing it; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404("No such pursuit.")
    pursuit = (
        Pursuit.objects.select_related("version", "micro_credential", "micro_credential__issuer")
        .filter(pk=pursuit_id, educator=user)
        .first()
    )
    if pursuit is None:
        raise Http404("No such pursuit.")
    return pursuit


def access_pursuit_requirement(
    user: User | AnonymousUser, pursuit_id: int, requirement_id: int
) -> tuple[Pursuit, EvidenceRequirement]:
    """The educator's pursuit and one evidence requirement of the version it follows."""
    pursuit = access_pursuit(user, pursuit_id)
    requirement = EvidenceRequirement.objects.filter(pk=requirement_id, version_id=pursuit.version_id).first()
    if requirement is None:
        raise Http404("No such requirement.")
    return pursuit, requirement


def access_portfolio_artifact(user: User | AnonymousUser, pursuit_id: int, artifact_id: int) -> Artifact:
    """A file still in the educator's working portfolio (for removing it)."""
    pursuit = access_pursuit(user, pursuit_id)
    artifact = (
        Artifact.objects.select_related("requirement")
        .filter(pk=artifact_id, pursuit=pursuit, removed_at__isnull=True)
        .first()
    )
    if artifact is None:
        raise Http404("No such file.")
    artifact.pursuit = pursuit
    return artifact


def access_submission(user: User | AnonymousUser, pursuit_id: int, attempt: int) -> Submission:
    """One of the educator's own attempts."""
    pursuit = access_pursuit(user, pursuit_id)
    submission = Submission.objects.filter(pursuit=pursuit, attempt=attempt).first()
    if submission is None:
        raise Http404("No such attempt.")
    submission.pursuit = pursuit
    return submission


def access_artifact_download(user: User | AnonymousUser, artifact_id: int) -> Artifact:
    """An evidence file, for its owner or for an assessor scoring (or who scored) a
    submission that includes it. Expired and released claims give no access."""
    from cairn.review.models import Review, ReviewStatus

    if not user.is_authenticated:
        raise Http404("No such file.")
    artifact = Artifact.objects.select_related("pursuit").filter(pk=artifact_id).first()
    if artifact is None:
        raise Http404("No such file.")
    if artifact.pursuit.educator_id == user.pk:
        return artifact
    reviewing = Review.objects.filter(assessor=user, submission__artifacts=artifact).filter(
        Q(status=ReviewStatus.FINALIZED) | Q(status=ReviewStatus.CLAIMED, expires_at__gt=timezone.now())
    )
    if not reviewing.exists():
        raise Http404("No such file.")
    return artifact
