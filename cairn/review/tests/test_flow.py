"""The whole earning flow through the services: start → drafts → incomplete check → submit →
claim → score → not yet → resubmit → earned."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cairn.catalog.models import MicroCredential
from cairn.community.models import Notification
from cairn.core.errors import DomainError
from cairn.core.models import AuditEvent
from cairn.credentials.models import Award
from cairn.earning import services as earning
from cairn.earning.models import PursuitStatus, QueueStatus
from cairn.review import services as review
from cairn.review.models import ReviewStatus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def pa_design(mini_catalog):
    return MicroCredential.objects.get(slug="pa-design")


@pytest.fixture
def qualified(assessor, district_a):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    return assessor


def fill(pursuit, educator, reflection="Students showed me what they understood."):
    task, reflection_req = pursuit.version.requirements.order_by("position")
    earning.artifact_upload(
        educator=educator,
        pursuit=pursuit,
        requirement=task,
        upload=SimpleUploadedFile("task.pdf", PDF, content_type="application/pdf"),
    )
    earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=reflection_req, text=reflection)


def score(assessor, rev, levels, feedback="Look again at the success criteria."):
    scores = {s.criterion_id: (levels[s.criterion.key], feedback) for s in rev.scores.select_related("criterion")}
    return review.review_save(assessor=assessor, review=rev, scores=scores, overall_comment="Thank you.")


def test_the_whole_flow_from_start_to_not_yet_to_earned(educator, qualified, pa_design, mailoutbox):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    assert pursuit.status == PursuitStatus.IN_PROGRESS and pursuit.entries.count() == 2
    assert earning.pursuit_start(educator=educator, micro_credential=pa_design) == pursuit  # idempotent

    gaps = earning.completeness_gaps(pursuit)
    assert [g.message for g in gaps] == ["Upload at least one file.", "Write your response."]
    with pytest.raises(DomainError, match="Not ready to submit"):
        earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    pursuit.refresh_from_db()
    assert pursuit.attempts_used == 0  # a failed check uses no attempt

    fill(pursuit, educator)
    with pytest.raises(DomainError, match="student names"):
        earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=False)
    first = earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    pursuit.refresh_from_db()
    assert (pursuit.status, first.attempt, first.queue_status) == ("submitted", 1, "waiting")
    assert first.snapshot["requirements"][1]["text"] == "Students showed me what they understood."

    claimed = review.review_claim(assessor=qualified)
    assert claimed.submission == first
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.IN_REVIEW

    score(qualified, claimed, {"alignment": 1, "insight": 1})  # insight needs "Proficient" (2)
    assert review.review_decision(claimed) == "not_yet"
    with pytest.raises(DomainError, match="different decision"):
        review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="earned")
    review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="not_yet")
    pursuit.refresh_from_db()
    assert (pursuit.status, pursuit.attempts_left) == ("not_yet", 2)

    earning.pursuit_resubmit(educator=educator, pursuit=pursuit)
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.IN_PROGRESS
    reflection = pursuit.entries.get(requirement__key="reflection")
    assert reflection.text == "Students showed me what they understood."  # starts from the last attempt
    earning.portfolio_save(
        educator=educator, pursuit=pursuit, requirement=reflection.requirement, text="Now with student quotes."
    )
    with pytest.raises(DomainError, match="what you changed"):
        earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    second = earning.submission_submit(
        educator=educator, pursuit=pursuit, privacy_confirmed=True, change_note="Added student quotes."
    )
    first.refresh_from_db()
    assert first.snapshot["requirements"][1]["text"] == "Students showed me what they understood."  # frozen

    claimed = review.review_claim(assessor=qualified)
    assert claimed.submission == second
    score(qualified, claimed, {"alignment": 1, "insight": 2}, feedback="")
    review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="earned")
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.EARNED
    award = Award.objects.get(pursuit=pursuit)
    assert (award.educator, award.version, award.submission) == (educator, pursuit.version, second)

    kinds = list(Notification.objects.filter(recipient=educator).values_list("kind", flat=True))
    assert kinds.count("feedback") == 1 and kinds.count("decision") == 1  # not yet, then earned
    assert kinds.count("submission_received") == 2
    assert kinds.count("submission_claimed") == 2
    assert len(mailoutbox) == 0  # emails go out after commit; the test transaction never commits
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pursuit_start", "submission_submit", "review_claim", "review_finalize", "award_create"} <= actions


def test_notifications_are_emailed_after_commit(educator, pa_design, django_capture_on_commit_callbacks, mailoutbox):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    with django_capture_on_commit_callbacks(execute=True):
        earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    assert len(mailoutbox) == 1
    assert "We received attempt 1" in mailoutbox[0].body and mailoutbox[0].to == ["educator@a.test"]


def test_unmet_criteria_need_feedback_and_every_criterion_needs_a_level(educator, qualified, pa_design):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    claimed = review.review_claim(assessor=qualified)
    with pytest.raises(DomainError, match="Choose a level"):
        review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="not_yet")
    score(qualified, claimed, {"alignment": 0, "insight": 3}, feedback="")
    with pytest.raises(DomainError, match="Write feedback for “Aligned to competencies”"):
        review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="not_yet")


def test_the_last_not_yet_leaves_no_resubmission(educator, qualified, pa_design, settings):
    settings.CAIRN_ATTEMPT_LIMIT = 1
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    claimed = review.review_claim(assessor=qualified)
    score(qualified, claimed, {"alignment": 0, "insight": 0})
    review.review_finalize(assessor=qualified, review=claimed, confirmed_decision="not_yet")
    with pytest.raises(DomainError, match="No attempts are left"):
        earning.pursuit_resubmit(educator=educator, pursuit=pursuit)


def test_an_assessor_never_gets_their_own_or_their_schools_submission(educator, coach, school_a, district_a, pa_design):
    from cairn.accounts.models import Role
    from cairn.accounts.services import membership_grant

    review.qualification_grant(actor=None, assessor=coach, issuer=district_a)
    membership_grant(actor=None, organization=school_a, user=coach, role=Role.ASSESSOR)
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    with pytest.raises(DomainError, match="Nothing is waiting"):
        review.review_claim(assessor=coach)  # same school as the educator
    review.qualification_grant(actor=None, assessor=educator, issuer=district_a)
    with pytest.raises(DomainError, match="Nothing is waiting"):
        review.review_claim(assessor=educator)  # their own


def test_an_unqualified_assessor_sees_an_empty_queue(educator, assessor, pa_design):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    with pytest.raises(DomainError, match="Nothing is waiting"):
        review.review_claim(assessor=assessor)


def test_an_expired_claim_returns_the_submission_to_the_queue(educator, qualified, pa_design, district_a):
    from datetime import timedelta

    from django.utils import timezone

    from cairn.accounts.services import user_create

    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    submission = earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    first = review.review_claim(assessor=qualified)
    other = user_create(email="other.assessor@b.test", password=None)
    review.qualification_grant(actor=None, assessor=other, issuer=district_a)
    with pytest.raises(DomainError):
        review.review_claim(assessor=other)
    type(first).objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    type(submission).objects.filter(pk=submission.pk).update(claim_expires_at=timezone.now() - timedelta(minutes=1))
    second = review.review_claim(assessor=other)
    assert second.submission == submission
    first.refresh_from_db()
    assert first.status == ReviewStatus.EXPIRED
    with pytest.raises(DomainError, match="expired"):
        review.review_save(assessor=qualified, review=first, scores={}, overall_comment="late")


def test_withdrawing_keeps_history_and_takes_the_submission_out_of_the_queue(educator, pa_design):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    submission = earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    earning.pursuit_withdraw(educator=educator, pursuit=pursuit)
    submission.refresh_from_db()
    pursuit.refresh_from_db()
    assert (pursuit.status, submission.queue_status) == ("withdrawn", QueueStatus.WITHDRAWN)
    again = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    assert again != pursuit  # a new pursuit may start; the withdrawn one stays


def test_prerequisites_must_be_earned_before_starting(educator, mini_catalog):
    with pytest.raises(DomainError, match="Earn these first: Performance Assessment Design"):
        earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="rubric-design"))


def test_a_stale_autosave_cannot_overwrite_newer_text(educator, pa_design):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    requirement = pursuit.version.requirements.get(key="reflection")
    entry = earning.portfolio_save(
        educator=educator, pursuit=pursuit, requirement=requirement, text="v1", base_revision=0
    )
    earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=requirement, text="v2", base_revision=1)
    with pytest.raises(earning.StaleRevision):
        earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=requirement, text="old", base_revision=1)
    entry.refresh_from_db()
    assert entry.text == "v2"


def test_a_submitted_portfolio_cannot_be_edited(educator, pa_design):
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    requirement = pursuit.version.requirements.get(key="reflection")
    with pytest.raises(DomainError, match="can no longer change"):
        earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=requirement, text="sneaky edit")


def test_an_assessor_who_reclaims_after_their_claim_lapsed_keeps_their_draft(educator, qualified, pa_design):
    from datetime import timedelta

    from django.utils import timezone

    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    submission = earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    first = review.review_claim(assessor=qualified)
    score(qualified, first, {"alignment": 1, "insight": 0}, feedback="Say more about the quotes.")
    past = timezone.now() - timedelta(minutes=1)
    type(first).objects.filter(pk=first.pk).update(expires_at=past)
    type(submission).objects.filter(pk=submission.pk).update(claim_expires_at=past)
    again = review.review_claim(assessor=qualified)
    assert again.pk != first.pk and again.overall_comment == "Thank you."
    assert {s.criterion.key: (s.level, s.feedback) for s in again.scores.select_related("criterion")} == {
        "alignment": (1, "Say more about the quotes."),
        "insight": (0, "Say more about the quotes."),
    }


def test_the_queue_count_stops_at_the_cap(educator, qualified, pa_design, monkeypatch):
    from cairn.review import selectors

    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    assert selectors.queue_size(qualified) == (1, False)
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 0)
    assert selectors.queue_size(qualified) == (0, True)
    paginator = selectors.CappedPaginator(selectors.queue_page_rows(qualified), 25)
    assert paginator.is_capped
