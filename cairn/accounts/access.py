"""Who may see and change which organization's people. Tenancy is decided here, once."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cairn.accounts.models import Membership, Organization, Role, User

# Roles that administer an organization and everything beneath it in the tree.
MANAGING_ROLES = (Role.DISTRICT_COORDINATOR, Role.PROGRAM_ADMIN)


def organization_descendant_ids(root_ids: set[int]) -> set[int]:
    """The given organizations and every organization below them (one query per tree level)."""
    found = set(root_ids)
    frontier = set(root_ids)
    while frontier:
        frontier = set(
            Organization.objects.filter(parent_id__in=frontier).exclude(id__in=found).values_list("id", flat=True)
        )
        found |= frontier
    return found


def managed_organization_ids(user: User | AnonymousUser) -> set[int]:
    """Organizations whose people this user administers."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Organization.objects.values_list("id", flat=True))
    roots = set(Membership.objects.filter(user=user, role__in=MANAGING_ROLES).values_list("organization_id", flat=True))
    return organization_descendant_ids(roots)


def access_managed_organization(user: User | AnonymousUser, slug: str) -> Organization:
    """The organization if ``user`` administers it; 404 otherwise, so outsiders learn nothing."""
    org = Organization.objects.filter(slug=slug).first()
    if org is None or org.id not in managed_organization_ids(user):
        raise Http404("No such organization.")
    return org
