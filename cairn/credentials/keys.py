"""Issuer identities: did:web identifiers, Ed25519 keys encrypted at rest, DID documents."""

from typing import Any
from urllib.parse import quote

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.db import transaction

from cairn.accounts.models import Organization, User
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError
from cairn.credentials.models import IssuerKey
from cairn.credentials.openbadges.dataintegrity import multikey_from_public_key


def _fernet() -> Fernet:
    return Fernet(settings.CAIRN_KEY_ENCRYPTION_KEY.encode())


def instance_did() -> str:
    """did:web of this Cairn instance (did:web spec §3.2: a port's colon is percent-encoded)."""
    return "did:web:" + quote(settings.CAIRN_PUBLIC_HOST, safe="")


def issuer_did(issuer: Organization) -> str:
    return f"{instance_did()}:issuers:{issuer.slug}"


def method_id(issuer: Organization, key: IssuerKey) -> str:
    return f"{issuer_did(issuer)}#{key.public_key_multibase}"


def issuer_key_create(*, actor: User | None, issuer: Organization) -> IssuerKey:
    """Add a new signing key; it becomes the one used for new credentials."""
    if not issuer.is_issuer:
        raise DomainError(f"{issuer.name} is not an issuer.")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with transaction.atomic():
        key = IssuerKey.objects.create(
            issuer=issuer,
            public_key_multibase=multikey_from_public_key(private.public_key()),
            private_key_encrypted=_fernet().encrypt(raw),
        )
        audit_record(actor=actor, action="issuer_key_create", subject=key, details={"issuer": issuer.slug})
    return key


def issuer_signing_key(issuer: Organization) -> IssuerKey:
    """The newest key, created on first use (under a lock, so two workers make one)."""
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=issuer.pk)
        key = IssuerKey.objects.filter(issuer=issuer).order_by("-created_at", "-id").first()
        return key or issuer_key_create(actor=None, issuer=issuer)


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(bytes(key.private_key_encrypted)))


def did_document(issuer: Organization) -> dict[str, Any]:
    """The issuer's DID document: every key it ever had, all authorised for assertions."""
    did = issuer_did(issuer)
    keys = list(IssuerKey.objects.filter(issuer=issuer))
    methods = [
        {
            "id": method_id(issuer, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def local_controller(did: str) -> dict[str, Any] | None:
    """Resolve a did:web of this instance from the database (no network)."""
    prefix = instance_did() + ":issuers:"
    if not did.startswith(prefix):
        return None
    issuer = Organization.objects.filter(slug=did[len(prefix) :], is_issuer=True).first()
    return did_document(issuer) if issuer else None


def instance_did_document(base_url: str) -> dict[str, Any]:
    """did:web:<host> of the Cairn instance itself. Issuers sign with their own DIDs below it
    (did:web:<host>:issuers:<slug>); this document ties the host to the site (LinkedDomains)."""
    did = instance_did()
    return {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "service": [{"id": f"{did}#site", "type": "LinkedDomains", "serviceEndpoint": base_url}],
    }
