"""Who may see and write which part of the catalog.

Published, superseded and retired versions are public (earners and verifiers need them).
Drafts are visible only to the issuer's authors. Writing needs the issuer-author or
program-administrator role at the issuer. Outsiders get 404 for what they may not see,
403 for what they may see but not change."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cairn.accounts.models import Organization, User
from cairn.accounts.selectors import issuers_authored_by
from cairn.catalog.models import MicroCredential, MicroCredentialVersion, Pathway, Stack, VersionStatus


def can_author(user: User | AnonymousUser, issuer: Organization) -> bool:
    return issuers_authored_by(user).filter(pk=issuer.pk).exists()


def access_issuer_for_authoring(user: User | AnonymousUser, slug: str) -> Organization:
    issuer = issuers_authored_by(user).filter(slug=slug).first()
    if issuer is None:
        raise Http404("No such issuer.")
    return issuer


def access_micro_credential_version(
    user: User | AnonymousUser, slug: str, number: int | None = None
) -> MicroCredentialVersion:
    """The version to show: the given number, else the current published one, else (for
    authors only) the latest draft."""
    mc = MicroCredential.objects.select_related("issuer", "current_version").filter(slug=slug).first()
    if mc is None:
        raise Http404("No such micro-credential.")
    author = can_author(user, mc.issuer)
    if number is not None:
        version = mc.versions.filter(number=number).first()
    elif mc.current_version is not None:
        version = mc.current_version
    else:
        version = mc.versions.order_by("-number").first()
    if version is None or (version.status == VersionStatus.DRAFT and not author):
        raise Http404("No such micro-credential.")
    version.micro_credential = mc
    return version


def access_micro_credential_for_authoring(user: User | AnonymousUser, slug: str) -> MicroCredential:
    mc = MicroCredential.objects.select_related("issuer", "current_version").filter(slug=slug).first()
    if mc is None:
        raise Http404("No such micro-credential.")
    if not can_author(user, mc.issuer):
        if mc.versions.exclude(status=VersionStatus.DRAFT).exists():
            raise PermissionDenied("Only this issuer's authors can change this micro-credential.")
        raise Http404("No such micro-credential.")
    return mc


def access_stack(user: User | AnonymousUser, slug: str, *, for_authoring: bool = False) -> Stack:
    stack = Stack.objects.select_related("issuer").filter(slug=slug).first()
    if stack is None:
        raise Http404("No such stack.")
    if for_authoring and not can_author(user, stack.issuer):
        raise PermissionDenied("Only this issuer's authors can change this stack.")
    return stack


def access_pathway(user: User | AnonymousUser, slug: str, *, for_authoring: bool = False) -> Pathway:
    pathway = Pathway.objects.select_related("issuer").filter(slug=slug).first()
    if pathway is None:
        raise Http404("No such pathway.")
    if for_authoring and not can_author(user, pathway.issuer):
        raise PermissionDenied("Only this issuer's authors can change this pathway.")
    return pathway
