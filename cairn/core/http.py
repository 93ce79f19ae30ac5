"""Request types for views, so ``request.user`` is typed as Cairn's user."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from cairn.accounts.models import User


class CairnRequest(HttpRequest):
    """Any request: the visitor may be anonymous."""

    user: User | AnonymousUser  # type: ignore[assignment]
    htmx: HtmxDetails


class SignedInRequest(HttpRequest):
    """A request to a ``login_required`` view."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
