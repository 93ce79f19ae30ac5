"""Demo activity: assessor qualifications and a few pursuits at different stages, made
through the same services people use, so the demo exercises the real workflow."""

from django.core.files.uploadedfile import SimpleUploadedFile

from cairn.accounts.models import Organization, User
from cairn.catalog.models import MicroCredential, RequirementKind
from cairn.credentials.models import Award
from cairn.credentials.services import award_issue_credential, award_revoke, stack_awards_grant
from cairn.earning import services as earning
from cairn.earning.models import Pursuit
from cairn.review import services as review

DEMO_PDF = b"%PDF-1.4\n% Cairn demo evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def fill_portfolio(pursuit: Pursuit, educator: User, text: str) -> None:
    for requirement in pursuit.version.requirements.all():
        if requirement.kind == RequirementKind.UPLOAD:
            upload = SimpleUploadedFile(f"{requirement.key}.pdf", DEMO_PDF, content_type="application/pdf")
            earning.artifact_upload(educator=educator, pursuit=pursuit, requirement=requirement, upload=upload)
        elif requirement.kind == RequirementKind.LINK:
            earning.portfolio_save(
                educator=educator,
                pursuit=pursuit,
                requirement=requirement,
                link_url="https://example.org/demo-evidence",
                link_title="Demo evidence",
            )
        else:
            earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=requirement, text=text)


def decide_next_submission(assessor: User, earned: bool) -> None:
    claimed = review.review_claim(assessor=assessor)
    scores = {}
    for score in claimed.scores.select_related("criterion"):
        level = score.criterion.required_level if earned else 0
        feedback = "" if earned else "Show how students' work changed because of this practice."
        scores[score.criterion_id] = (level, feedback)
    review.review_save(
        assessor=assessor, review=claimed, scores=scores, overall_comment="Thank you for sharing your work."
    )
    review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned" if earned else "not_yet")


def qualify_assessors(assessors: list[User]) -> None:
    """Demo assessors are trained for every issuer's micro-credentials."""
    for assessor in assessors:
        for issuer in Organization.objects.filter(is_issuer=True):
            review.qualification_grant(actor=None, assessor=assessor, issuer=issuer)


# What each demo educator did, as (micro-credential slug, outcome). Upstate's educator holds the
# whole Basic Performance Assessment stack (so a stack credential exists), has a "not yet" to
# act on and a draft in progress; Lowcountry's earned one that its issuer later revoked.
UPSTATE_PLAN = [
    ("performance-assessment-design", "earned"),
    ("competency-based-rubric-design", "earned"),
    ("performance-assessment-validation", "earned"),
    ("embedded-habits-skills-and-dispositions-in-pas", "not_yet"),
    ("using-pas-formatively-to-provide-feedback", "in_progress"),
]
LOWCOUNTRY_PLAN = [("performance-assessment-design", "revoked"), ("competency-based-rubric-design", "in_progress")]


def load_demo_earning(*, educator: User, assessor: User, plan: list[tuple[str, str]]) -> list[str]:
    """Run once per demo educator: returns lines describing what was created. Credentials are
    signed at once here (normally the background worker does it after the decision)."""
    if Pursuit.objects.filter(educator=educator).exists():
        return []
    lines = []
    for slug, outcome in plan:
        mc = MicroCredential.objects.filter(slug=slug, current_version__isnull=False).first()
        if mc is None:
            continue
        pursuit = earning.pursuit_start(educator=educator, micro_credential=mc)
        fill_portfolio(pursuit, educator, "In my grade 3 classroom I designed a task where students ...")
        if outcome == "in_progress":
            lines.append(f"{educator.email}: “{mc}” in progress (draft saved)")
            continue
        if outcome == "earned":
            # Demo educators show their written reflections in their credentials.
            for requirement in pursuit.version.requirements.exclude(kind=RequirementKind.UPLOAD)[:1]:
                earning.portfolio_entry_share(
                    educator=educator, pursuit=pursuit, requirement=requirement, in_credential=True
                )
        earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
        decide_next_submission(assessor, earned=outcome != "not_yet")
        if outcome == "not_yet":
            lines.append(f"{educator.email}: “{mc}” not yet")
            continue
        award = Award.objects.get(pursuit=pursuit)
        award_issue_credential(award_id=award.pk)
        for stack_award in stack_awards_grant(award_id=award.pk):
            award_issue_credential(award_id=stack_award.pk)
            lines.append(f"{educator.email}: stack “{stack_award.title}” earned")
        if outcome == "revoked":
            award_revoke(actor=None, award=award, reason="Demo: the evidence was found to be another teacher's work.")
            outcome = "earned, then revoked"
        lines.append(f"{educator.email}: “{mc}” {outcome}")
    return lines
