"""Who may use the assessor's pages.

Assessor pages are blind and private: a person without the assessor role or any
qualification, and anybody who is not the review's own assessor, gets 404, so nobody learns
which submissions or reviews exist."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.http import Http404

from cairn.accounts.models import Membership, Role, User
from cairn.review.models import AssessorQualification, Review, ReviewStatus


def is_assessor(user: User | AnonymousUser) -> bool:
    """Holds the assessor role somewhere, or is qualified for something (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True  # the layout shows superusers the "Reviewing" link too
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), role=Role.ASSESSOR))
            | Exists(AssessorQualification.objects.filter(assessor=OuterRef("pk")))
        )
        .exists()
    )


def access_assessor(user: User | AnonymousUser) -> User:
    """The user, if they may use the assessor's dashboard and queue; 404 otherwise."""
    if not isinstance(user, User) or not is_assessor(user):
        raise Http404("No such page.")
    return user


def access_review(user: User | AnonymousUser, review_id: int) -> Review:
    """The review, if it is ``user``'s own and still claimed or finalized; 404 otherwise.

    Loads what the scoring page needs about the submission, never the educator."""
    if not user.is_authenticated:
        raise Http404("No such review.")
    review = (
        Review.objects.select_related("submission__pursuit__version__micro_credential")
        .filter(pk=review_id, assessor_id=user.pk, status__in=(ReviewStatus.CLAIMED, ReviewStatus.FINALIZED))
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review
