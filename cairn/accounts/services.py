import re

from allauth.account.models import EmailAddress
from django.db import transaction

from cairn.accounts.access import managed_organization_ids
from cairn.accounts.models import Membership, Organization, OrganizationKind, Role, User
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError


def user_create(
    *, email: str, password: str | None, full_name: str = "", verified: bool = False, superuser: bool = False
) -> User:
    """Create an account and record its address with allauth (verified or not)."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise DomainError(f"An account already uses {email}.", field="email")
    with transaction.atomic():
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email=email, password=password, full_name=full_name)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def organization_upsert(
    *,
    slug: str,
    name: str,
    kind: str,
    parent: Organization | None = None,
    state: str = "",
    is_issuer: bool = False,
    description: str = "",
    url: str = "",
    email: str = "",
) -> tuple[Organization, bool]:
    """Create or update an organization by its stable slug. Returns (organization, created)."""
    if kind not in OrganizationKind.values:
        raise DomainError(f"Unknown organization kind {kind!r}.", field="kind")
    org, created = Organization.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "state": state,
            "is_issuer": is_issuer,
            "description": description,
            "url": url,
            "email": email,
        },
    )
    return org, created


def membership_grant(*, actor: User | None, organization: Organization, user: User, role: str) -> Membership:
    """Give ``user`` a role in ``organization``. ``actor`` None means the system (demo, import)."""
    if role not in Role.values:
        raise DomainError(f"Unknown role {role!r}.", field="role")
    if actor is not None and organization.id not in managed_organization_ids(actor):
        raise DomainError("You do not administer this organization.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
        if created:
            audit_record(
                actor=actor,
                action="membership_grant",
                subject=membership,
                new_state=role,
                details={"user": user.email, "organization": organization.slug},
            )
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> None:
    if membership.organization_id not in managed_organization_ids(actor):
        raise DomainError("You do not administer this organization.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="membership_revoke",
            subject=membership,
            old_state=membership.role,
            details={"user": membership.user.email, "organization": membership.organization.slug},
        )
        membership.delete()


def membership_grant_by_email(
    *, actor: User, organization: Organization, email: str, role: str, full_name: str = ""
) -> Membership:
    """Grant a role to whoever owns ``email`` (any of their verified or unverified addresses),
    creating an account without a password when nobody does; they set one by password reset."""
    email = email.strip().lower()
    with transaction.atomic():
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(email=email, password=None, full_name=full_name)
        return membership_grant(actor=actor, organization=organization, user=user, role=role)


DID_PATTERN = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._-]")


def user_did_set(*, user: User, did: str) -> User:
    """Record (or clear, with an empty value) the DID credentials should name as the subject.
    Credentials already signed keep the subject they were issued to."""
    did = did.strip()
    if did and (len(did) > 500 or not DID_PATTERN.fullmatch(did)):
        raise DomainError("That is not a DID. It looks like did:key:z6Mk… or did:web:example.org.", field="did")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.did != did:
            audit_record(actor=user, action="user_did_set", subject=user, old_state=user.did[:40], new_state=did[:40])
            user.did = did
            user.save(update_fields=["did"])
    return user
