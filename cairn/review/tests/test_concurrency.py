"""The review queue under real concurrency: PostgreSQL only (SQLite serialises writers anyway).

Every thread opens its own database connection (Django's connections are per thread) and
closes it when done; a barrier starts them together so their transactions overlap."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cairn.accounts.models import Organization, OrganizationKind, Role, User
from cairn.accounts.services import membership_grant, organization_upsert, user_create
from cairn.catalog.models import MicroCredential
from cairn.core.errors import DomainError
from cairn.credentials.models import Award
from cairn.earning import services as earning
from cairn.earning.models import Pursuit, PursuitStatus, QueueStatus, Submission
from cairn.review import services as review
from cairn.review.models import Review, ReviewStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def run_together(works: list[Callable[[], Any]], timeout: float = 60) -> list[Any]:
    """Run each callable in a thread of its own, all released at once by a barrier.
    Returns, in the order given, each one's result or the exception it raised."""
    barrier = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def target(i: int, work: Callable[[], Any]) -> None:
        from django.db import connections

        try:
            barrier.wait()
            results[i] = work()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i, work)) for i, work in enumerate(works)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still running: a lock wait that never ended"
    return results


def fill(pursuit: Pursuit, educator: User) -> None:
    task, reflection = pursuit.version.requirements.order_by("position")
    earning.artifact_upload(
        educator=educator,
        pursuit=pursuit,
        requirement=task,
        upload=SimpleUploadedFile("task.pdf", PDF, content_type="application/pdf"),
    )
    earning.portfolio_save(
        educator=educator, pursuit=pursuit, requirement=reflection, text="Students showed me what they understood."
    )


def ready_pursuit(educator: User, mc: MicroCredential) -> Pursuit:
    """A started pursuit with every requirement filled in, ready to submit."""
    pursuit = earning.pursuit_start(educator=educator, micro_credential=mc)
    fill(pursuit, educator)
    return pursuit


def submitted(educator: User, mc: MicroCredential) -> Submission:
    return earning.submission_submit(educator=educator, pursuit=ready_pursuit(educator, mc), privacy_confirmed=True)


@pytest.fixture
def pa_design(mini_catalog: None) -> MicroCredential:
    return MicroCredential.objects.get(slug="pa-design")


@pytest.fixture
def school_b(district_a: Organization) -> Organization:
    """Another school of district A, where none of the assessors works."""
    return organization_upsert(slug="school-b", name="School B", kind=OrganizationKind.SCHOOL, parent=district_a)[0]


def make_educators(n: int, school: Organization) -> list[User]:
    people = []
    for i in range(n):
        person = user_create(email=f"educator{i:02d}@b.test", password=None, full_name=f"Educator {i}")
        membership_grant(actor=None, organization=school, user=person, role=Role.EDUCATOR)
        people.append(person)
    return people


def make_assessors(n: int, district: Organization) -> list[User]:
    people = []
    for i in range(n):
        person = user_create(email=f"assessor{i:02d}@a.test", password=None, full_name=f"Assessor {i}")
        membership_grant(actor=None, organization=district, user=person, role=Role.ASSESSOR)
        review.qualification_grant(actor=None, assessor=person, issuer=district)
        people.append(person)
    return people


def test_the_suite_really_runs_on_postgresql() -> None:
    assert connection.vendor == "postgresql"


def test_fifty_concurrent_claims_take_each_of_twenty_submissions_exactly_once(
    pa_design: MicroCredential, district_a: Organization, school_b: Organization
) -> None:
    submissions = [submitted(educator, pa_design) for educator in make_educators(20, school_b)]
    assessors = make_assessors(10, district_a)

    def claim(assessor: User) -> Callable[[], Review]:
        return lambda: review.review_claim(assessor=assessor)

    # Ten assessors, each clicking "claim" in five windows at once.
    results = run_together([claim(assessor) for assessor in assessors for _ in range(5)])

    claimed = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, DomainError)]
    unexpected = [r for r in results if not isinstance(r, Review | DomainError)]
    assert not unexpected, unexpected  # no deadlock, no unique-constraint violation
    assert len(claimed) == 20 and len(refused) == 30, results
    assert all("Nothing is waiting" in str(r) for r in refused)
    assert len({r.submission_id for r in claimed}) == 20

    reviews = Review.objects.all()
    assert reviews.count() == 20
    assert set(reviews.values_list("status", flat=True)) == {ReviewStatus.CLAIMED}
    assert set(reviews.values_list("submission_id", flat=True)) == {s.pk for s in submissions}
    for submission in Submission.objects.select_related("pursuit"):
        row = reviews.get(submission=submission)
        assert submission.queue_status == QueueStatus.CLAIMED
        assert (submission.claimed_by_id, submission.claim_expires_at) == (row.assessor_id, row.expires_at)
        assert submission.pursuit.status == PursuitStatus.IN_REVIEW
    # Every claim got the rubric's score rows, once.
    assert all(r.scores.count() == 2 for r in reviews)


def test_submitting_the_same_portfolio_twice_at_once_makes_one_attempt(
    pa_design: MicroCredential, educator: User
) -> None:
    pursuit = ready_pursuit(educator, pa_design)

    def submit() -> Submission:
        return earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)

    results = run_together([submit, submit])

    made = [r for r in results if isinstance(r, Submission)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "already been submitted" in str(refused[0])
    assert list(Submission.objects.values_list("pursuit_id", "attempt")) == [(pursuit.pk, 1)]
    pursuit.refresh_from_db()
    assert (pursuit.status, pursuit.attempts_used) == (PursuitStatus.SUBMITTED, 1)


def test_finalizing_the_same_review_twice_at_once_decides_once(
    pa_design: MicroCredential, educator: User, assessor: User, district_a: Organization
) -> None:
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    submission = submitted(educator, pa_design)
    claimed = review.review_claim(assessor=assessor)
    assert claimed.submission_id == submission.pk
    scores = {s.criterion_id: (len(s.criterion.levels) - 1, "") for s in claimed.scores.select_related("criterion")}
    review.review_save(assessor=assessor, review=claimed, scores=scores, overall_comment="Well done.")
    assert review.review_decision(claimed) == "earned"

    def finalize() -> Review:
        return review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")

    results = run_together([finalize, finalize])

    done = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "already closed" in str(refused[0])
    claimed.refresh_from_db()
    submission.refresh_from_db()
    assert (claimed.status, claimed.decision) == (ReviewStatus.FINALIZED, "earned")
    assert Review.objects.filter(status=ReviewStatus.FINALIZED).count() == 1
    assert (submission.queue_status, submission.decision) == (QueueStatus.DECIDED, "earned")
    assert Award.objects.filter(submission=submission).count() == 1
    assert Award.objects.count() == 1
    assert Pursuit.objects.get(pk=submission.pursuit_id).status == PursuitStatus.EARNED
