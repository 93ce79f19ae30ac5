"""The review queue and what an assessor may see. Submissions are blind: assessor-facing
selectors never load the educator, their email, school or district."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cairn.accounts.models import Membership, OrganizationKind, User
from cairn.earning.models import QueueStatus, Submission
from cairn.review.models import AssessorQualification, Review, ReviewStatus


def qualified_micro_credential_filter(assessor: User) -> Q:
    qualifications = AssessorQualification.objects.filter(assessor=assessor)
    return Q(
        Exists(qualifications.filter(micro_credential=OuterRef("pursuit__micro_credential")))
        | Exists(qualifications.filter(issuer=OuterRef("pursuit__micro_credential__issuer")))
    )


def claimable_submissions(assessor: User) -> QuerySet[Submission]:
    """Oldest first: waiting submissions, and claimed ones whose claim has expired, for
    micro-credentials this assessor is qualified for, never their own and never from a
    school they belong to."""
    now = timezone.now()
    assessor_schools = Membership.objects.filter(user=assessor, organization__kind=OrganizationKind.SCHOOL).values(
        "organization_id"
    )
    same_school = Membership.objects.filter(user=OuterRef("pursuit__educator"), organization_id__in=assessor_schools)
    return (
        Submission.objects.filter(
            Q(queue_status=QueueStatus.WAITING) | Q(queue_status=QueueStatus.CLAIMED, claim_expires_at__lt=now)
        )
        .filter(qualified_micro_credential_filter(assessor))
        .exclude(pursuit__educator=assessor)
        .exclude(Exists(same_school))
        .order_by("submitted_at", "id")
    )


def queue_page_rows(assessor: User) -> QuerySet[Submission]:
    """What the queue page lists: the code, the micro-credential, the attempt and the wait."""
    return claimable_submissions(assessor).select_related("pursuit__version")


def my_reviews(assessor: User) -> QuerySet[Review]:
    return Review.objects.filter(assessor=assessor).select_related("submission__pursuit__version")


def my_open_reviews(assessor: User) -> QuerySet[Review]:
    return my_reviews(assessor).filter(status=ReviewStatus.CLAIMED, expires_at__gt=timezone.now())
