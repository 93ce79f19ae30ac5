"""Every write on the assessor's side: claim, save scores, finalize the decision, release.

Claims take the oldest eligible submission under a row lock with SKIP LOCKED, so concurrent
assessors each get a different one and never wait on each other."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.community.models import NotificationKind
from cairn.community.services import notification_send
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError
from cairn.credentials.models import Award
from cairn.earning.models import Decision, Pursuit, PursuitStatus, QueueStatus, Submission
from cairn.review.models import CriterionScore, Review, ReviewStatus
from cairn.review.scoring import decide, version_criteria
from cairn.review.selectors import claim_candidates


def _review_move(review: Review, new_status: str, *, actor: User | None, action: str) -> None:
    old = review.status
    if new_status not in Review.TRANSITIONS[old]:
        raise DomainError(f"A review that is “{review.get_status_display().lower()}” cannot change now.")
    review.status = new_status
    review.save(update_fields=["status"])
    audit_record(actor=actor, action=action, subject=review, old_state=old, new_state=new_status)


def _pursuit_move(pursuit: Pursuit, new_status: str, *, actor: User | None, action: str) -> None:
    old = pursuit.status
    if new_status not in Pursuit.TRANSITIONS[old]:
        raise DomainError(f"The pursuit is “{pursuit.get_status_display().lower()}” and cannot change now.")
    pursuit.status = new_status
    pursuit.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, subject=pursuit, old_state=old, new_state=new_status)


def review_claim(*, assessor: User) -> Review:
    """Take the oldest submission this assessor may score. Raises DomainError when none waits."""
    now = timezone.now()
    with transaction.atomic():
        submission = None
        for candidates in claim_candidates(assessor):
            # Lock the pursuit with the submission, in the order every other service locks
            # them (pursuit, then submission rows), so a withdrawal cannot deadlock a claim.
            submission = (
                candidates.select_for_update(skip_locked=True, of=("self", "pursuit")).select_related("pursuit").first()
            )
            if submission is not None:
                break
        if submission is None:
            raise DomainError("Nothing is waiting for you to review right now.")
        pursuit = Pursuit.objects.select_for_update().select_related("version").get(pk=submission.pursuit_id)
        if submission.queue_status == QueueStatus.CLAIMED:
            # The previous claim ran out: it ends, and this submission goes to the new assessor.
            for stale in Review.objects.select_for_update().filter(submission=submission, status=ReviewStatus.CLAIMED):
                _review_move(stale, ReviewStatus.EXPIRED, actor=None, action="review_expire")
        else:
            _pursuit_move(pursuit, PursuitStatus.IN_REVIEW, actor=assessor, action="review_claim")
        expires = now + timedelta(hours=settings.CAIRN_CLAIM_HOURS)
        # An assessor who comes back to a submission whose claim lapsed keeps their draft.
        earlier = (
            Review.objects.filter(submission=submission, assessor=assessor, status=ReviewStatus.EXPIRED)
            .order_by("-claimed_at")
            .first()
        )
        drafts = {s.criterion_id: s for s in earlier.scores.all()} if earlier else {}
        review = Review.objects.create(
            submission=submission,
            assessor=assessor,
            expires_at=expires,
            overall_comment=earlier.overall_comment if earlier else "",
        )
        CriterionScore.objects.bulk_create(
            CriterionScore(
                review=review,
                criterion=criterion,
                level=drafts[criterion.pk].level if criterion.pk in drafts else None,
                feedback=drafts[criterion.pk].feedback if criterion.pk in drafts else "",
            )
            for criterion in version_criteria(pursuit.version)
        )
        submission.queue_status = QueueStatus.CLAIMED
        submission.claimed_by = assessor
        submission.claim_expires_at = expires
        submission.save(update_fields=["queue_status", "claimed_by", "claim_expires_at"])
        audit_record(
            actor=assessor,
            action="review_claim",
            subject=review,
            new_state=review.status,
            details={"code": submission.code},
        )
        notification_send(
            recipient=pursuit.educator,
            kind=NotificationKind.SUBMISSION_CLAIMED,
            message=f"An assessor has started reviewing attempt {submission.attempt} of “{pursuit.version.title}”.",
            url=reverse("earning:pursuit", args=[pursuit.pk]),
        )
    return review


def _open_review(assessor: User, review: Review) -> Review:
    review = Review.objects.select_for_update().select_related("submission").get(pk=review.pk)
    if review.assessor_id != assessor.pk:
        raise DomainError("This review belongs to another assessor.")
    if review.status == ReviewStatus.EXPIRED or (
        review.status == ReviewStatus.CLAIMED and review.expires_at <= timezone.now()
    ):
        raise DomainError("Your claim on this submission has expired; it went back to the queue.")
    if review.status != ReviewStatus.CLAIMED:
        raise DomainError("This review is already closed.")
    return review


def review_save(
    *, assessor: User, review: Review, scores: Mapping[int, tuple[int | None, str]], overall_comment: str
) -> Review:
    """Save the assessor's draft scores: {criterion_id: (level index or None, feedback)}."""
    with transaction.atomic():
        review = _open_review(assessor, review)
        rows = {s.criterion_id: s for s in review.scores.select_related("criterion")}
        for criterion_id, (level, feedback) in scores.items():
            row = rows.get(criterion_id)
            if row is None:
                raise DomainError("That criterion is not part of this rubric.")
            if level is not None and not 0 <= level < len(row.criterion.levels):
                raise DomainError(f"“{row.criterion.title}” has no level {level}.")
            row.level, row.feedback = level, feedback.strip()
        CriterionScore.objects.bulk_update(rows.values(), ["level", "feedback"])
        review.overall_comment = overall_comment.strip()
        review.save(update_fields=["overall_comment"])
    return review


def review_problems(review: Review) -> list[str]:
    """What must be completed before the decision can be submitted."""
    problems = []
    for score in review.scores.select_related("criterion").order_by(
        "criterion__requirement__position", "criterion__position"
    ):
        if score.level is None:
            problems.append(f"Choose a level for “{score.criterion.title}”.")
        elif not score.meets and not score.feedback:
            problems.append(f"Write feedback for “{score.criterion.title}”: it is not yet met.")
    return problems


def review_decision(review: Review) -> str:
    scores = review.scores.select_related("criterion")
    return decide(review.submission.pursuit.version, [(s.criterion, s.level) for s in scores])


def review_finalize(*, assessor: User, review: Review, confirmed_decision: str) -> Review:
    """Submit the decision the pass rule gives. ``confirmed_decision`` is what the assessor
    saw and confirmed; if the scores changed since, nothing is decided."""
    from cairn.credentials.tasks import award_issue

    with transaction.atomic():
        review = _open_review(assessor, review)
        submission = Submission.objects.select_for_update().get(pk=review.submission_id)
        pursuit = (
            Pursuit.objects.select_for_update().select_related("version", "educator").get(pk=submission.pursuit_id)
        )
        problems = review_problems(review)
        if problems:
            raise DomainError(" ".join(problems))
        decision = decide(pursuit.version, [(s.criterion, s.level) for s in review.scores.select_related("criterion")])
        if decision != confirmed_decision:
            raise DomainError(
                "The scores give a different decision from the one you confirmed. Check it and confirm again."
            )
        now = timezone.now()
        review.decision, review.finalized_at = decision, now
        review.save(update_fields=["decision", "finalized_at"])
        _review_move(review, ReviewStatus.FINALIZED, actor=assessor, action="review_finalize")
        submission.queue_status, submission.decision, submission.decided_at = QueueStatus.DECIDED, decision, now
        submission.save(update_fields=["queue_status", "decision", "decided_at"])
        url = reverse("earning:pursuit", args=[pursuit.pk])
        if decision == Decision.EARNED:
            _pursuit_move(pursuit, PursuitStatus.EARNED, actor=assessor, action="pursuit_earned")
            award = Award.objects.create(
                educator=pursuit.educator,
                micro_credential_id=pursuit.micro_credential_id,
                version=pursuit.version,
                pursuit=pursuit,
                submission=submission,
            )
            audit_record(actor=assessor, action="award_create", subject=award, new_state="awarded")
            transaction.on_commit(lambda: award_issue.enqueue(award_id=award.pk))
            message = f"You earned “{pursuit.version.title}”. Your credential is being issued."
        else:
            _pursuit_move(pursuit, PursuitStatus.NOT_YET, actor=assessor, action="pursuit_not_yet")
            left = pursuit.attempts_left
            message = f"“{pursuit.version.title}”: not yet. Read the feedback on each criterion; " + (
                f"you have {left} attempt{'s' if left != 1 else ''} left." if left else "no attempts are left."
            )
        # "Not yet" is above all feedback to read, so it is announced as such.
        kind = NotificationKind.DECISION if decision == Decision.EARNED else NotificationKind.FEEDBACK
        notification_send(recipient=pursuit.educator, kind=kind, message=message, url=url)
    return review


def review_release(*, assessor: User, review: Review) -> None:
    """Give a claimed submission back to the queue (the assessor cannot finish it)."""
    with transaction.atomic():
        review = _open_review(assessor, review)
        submission = Submission.objects.select_for_update().get(pk=review.submission_id)
        pursuit = Pursuit.objects.select_for_update().get(pk=submission.pursuit_id)
        _review_move(review, ReviewStatus.RELEASED, actor=assessor, action="review_release")
        submission.queue_status, submission.claimed_by, submission.claim_expires_at = QueueStatus.WAITING, None, None
        submission.save(update_fields=["queue_status", "claimed_by", "claim_expires_at"])
        _pursuit_move(pursuit, PursuitStatus.SUBMITTED, actor=assessor, action="review_release")


def claims_remind_expiring(*, within: timedelta = timedelta(hours=12)) -> int:
    """Tell assessors whose claim ends soon (once per claim). Run from a scheduler."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        due = Review.objects.select_for_update(skip_locked=True).filter(
            status=ReviewStatus.CLAIMED, reminder_sent_at__isnull=True, expires_at__gt=now, expires_at__lte=now + within
        )
        for review in due.select_related("submission"):
            notification_send(
                recipient=review.assessor,
                kind=NotificationKind.CLAIM_EXPIRING,
                message=(
                    f"Your claim on {review.submission.code} ends {review.expires_at:%b %d at %H:%M}. "
                    "Finish or release it."
                ),
                url=reverse("review:review", args=[review.pk]),
            )
            review.reminder_sent_at = now
            review.save(update_fields=["reminder_sent_at"])
            count += 1
    return count


def qualification_grant(*, actor: User | None, assessor: User, **scope: Any) -> None:
    from cairn.review.models import AssessorQualification

    with transaction.atomic():
        qualification, created = AssessorQualification.objects.get_or_create(assessor=assessor, **scope)
        if created:
            audit_record(actor=actor, action="qualification_grant", subject=qualification)
