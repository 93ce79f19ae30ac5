from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from cairn.accounts.access import managed_organization_ids
from cairn.accounts.models import Membership, Organization, Role, User


def organizations_managed_by(user: User | AnonymousUser) -> QuerySet[Organization]:
    return Organization.objects.filter(id__in=managed_organization_ids(user)).select_related("parent")


def organization_memberships(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("user__email", "role")


def user_roles(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def issuers_authored_by(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Issuers whose catalog this user may write."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.filter(is_issuer=True)
    return Organization.objects.filter(
        is_issuer=True,
        memberships__user=user,
        memberships__role__in=(Role.ISSUER_AUTHOR, Role.PROGRAM_ADMIN),
    ).distinct()
