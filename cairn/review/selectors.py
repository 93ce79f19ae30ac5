"""The review queue and what an assessor may see. Submissions are blind: assessor-facing
selectors never load the educator, their email, school or district."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import cast

from django.core.paginator import Paginator
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone

from cairn.accounts.models import Membership, OrganizationKind, User
from cairn.catalog.models import MicroCredential
from cairn.earning.models import QueueStatus, Submission
from cairn.review.models import AssessorQualification, Review, ReviewStatus


def qualified_micro_credential_ids(assessor: User) -> list[int]:
    """Micro-credentials this assessor may score: named ones, and everything of the issuers
    they are qualified for. Resolved up front so the queue filters on one indexed column."""
    qualifications = AssessorQualification.objects.filter(assessor=assessor)
    return list(
        MicroCredential.objects.filter(
            Q(id__in=qualifications.values("micro_credential_id")) | Q(issuer_id__in=qualifications.values("issuer_id"))
        ).values_list("id", flat=True)
    )


def _eligible(assessor: User) -> QuerySet[Submission]:
    """Submissions of micro-credentials this assessor is qualified for, never their own and
    never from a school they belong to (any queue status)."""
    assessor_schools = Membership.objects.filter(user=assessor, organization__kind=OrganizationKind.SCHOOL).values(
        "organization_id"
    )
    same_school = Membership.objects.filter(user=OuterRef("pursuit__educator"), organization_id__in=assessor_schools)
    return (
        Submission.objects.filter(pursuit__micro_credential_id__in=qualified_micro_credential_ids(assessor))
        .exclude(pursuit__educator=assessor)
        .exclude(Exists(same_school))
    )


def claimable_submissions(assessor: User) -> QuerySet[Submission]:
    """Oldest first: waiting submissions, and claimed ones whose claim has expired."""
    expired = Q(queue_status=QueueStatus.CLAIMED, claim_expires_at__lt=timezone.now())
    return _eligible(assessor).filter(Q(queue_status=QueueStatus.WAITING) | expired).order_by("submitted_at", "id")


def claim_candidates(assessor: User) -> list[QuerySet[Submission]]:
    """What a claim tries, in order: submissions whose claim expired, then waiting ones, each
    oldest first. Two simple filters instead of one OR, so each walks the queue index in order
    (with the OR, the database reads and sorts every open submission to find the oldest)."""
    eligible = _eligible(assessor).order_by("submitted_at", "id")
    return [
        eligible.filter(queue_status=QueueStatus.CLAIMED, claim_expires_at__lt=timezone.now()),
        eligible.filter(queue_status=QueueStatus.WAITING),
    ]


def queue_page_rows(assessor: User) -> QuerySet[Submission]:
    """What the queue page lists: the code, the micro-credential, the attempt and the wait."""
    return claimable_submissions(assessor).select_related("pursuit__version").defer("snapshot")


def my_reviews(assessor: User) -> QuerySet[Review]:
    return Review.objects.filter(assessor=assessor).select_related("submission__pursuit__version")


def my_open_reviews(assessor: User) -> QuerySet[Review]:
    return my_reviews(assessor).filter(status=ReviewStatus.CLAIMED, expires_at__gt=timezone.now())


@dataclass
class Turnaround:
    """Hours between two moments over the assessor's finalized reviews."""

    count: int
    mean_hours: float | None
    median_hours: float | None

    @property
    def mean_text(self) -> str:
        return _readable_hours(self.mean_hours)

    @property
    def median_text(self) -> str:
        return _readable_hours(self.median_hours)


def _readable_hours(hours: float | None) -> str:
    """Minutes under an hour, hours under two days, days beyond."""
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def turnaround(reviews: QuerySet[Review], start: str) -> Turnaround:
    """Mean and median of ``finalized_at - <start>``, computed by the database: one aggregate
    for the count and mean, one sorted slice of at most two rows for the median."""
    rows = reviews.annotate(took=ExpressionWrapper(F("finalized_at") - F(start), output_field=DurationField()))
    stats = rows.aggregate(n=Count("id"), mean=Avg("took"))
    n = int(stats["n"] or 0)
    if n == 0:
        return Turnaround(0, None, None)
    middle = [t for t in rows.order_by("took").values_list("took", flat=True)[(n - 1) // 2 : n // 2 + 1] if t]
    median = sum(middle, timedelta()) / len(middle) if middle else None
    mean = stats["mean"]
    if mean is not None and not isinstance(mean, timedelta):  # SQLite averages microseconds as a number
        mean = timedelta(microseconds=float(mean))
    return Turnaround(n, _hours(mean), _hours(median))


def finalized_reviews(assessor: User) -> QuerySet[Review]:
    return my_reviews(assessor).filter(status=ReviewStatus.FINALIZED, finalized_at__isnull=False)


QUEUE_COUNT_CAP = 1000


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most QUEUE_COUNT_CAP + 1 rows: an exact count of a 100,000-row queue costs more
    than the page itself, and "1,000+ waiting" tells an assessor all they need."""

    @cached_property
    def _counted(self) -> int:
        rows = cast(QuerySet[Submission], self.object_list)
        return rows[: QUEUE_COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, QUEUE_COUNT_CAP)

    @property
    def is_capped(self) -> bool:
        return self._counted > QUEUE_COUNT_CAP


def queue_size(assessor: User) -> tuple[int, bool]:
    """(number waiting, capped?) with the same cap as the queue page."""
    n = claimable_submissions(assessor)[: QUEUE_COUNT_CAP + 1].count()
    return min(n, QUEUE_COUNT_CAP), n > QUEUE_COUNT_CAP
