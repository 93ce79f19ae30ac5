"""Identities: did:web identifiers, Ed25519 keys encrypted at rest, DID documents.

Each issuer signs its awards' credentials with its own keys (did:web:<host>:issuers:<slug>);
the Cairn instance itself (did:web:<host>) signs what no single issuer can vouch for, such
as an educator's CLR transcript bundling credentials of several issuers."""

from typing import Any
from urllib.parse import quote

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
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


def _key_create(*, actor: User | None, issuer: Organization | None) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with transaction.atomic():
        key = IssuerKey.objects.create(
            issuer=issuer,
            public_key_multibase=multikey_from_public_key(private.public_key()),
            private_key_encrypted=_fernet().encrypt(raw),
        )
        owner = issuer.slug if issuer else "instance"
        audit_record(actor=actor, action="issuer_key_create", subject=key, details={"issuer": owner})
    return key


def issuer_key_create(*, actor: User | None, issuer: Organization) -> IssuerKey:
    """Add a new signing key; it becomes the one used for new credentials."""
    if not issuer.is_issuer:
        raise DomainError(f"{issuer.name} is not an issuer.")
    return _key_create(actor=actor, issuer=issuer)


def issuer_signing_key(issuer: Organization) -> IssuerKey:
    """The newest key, created on first use (under a lock, so two workers make one)."""
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=issuer.pk)
        key = IssuerKey.objects.filter(issuer=issuer).order_by("-created_at", "-id").first()
        return key or issuer_key_create(actor=None, issuer=issuer)


def instance_key_create(*, actor: User | None) -> IssuerKey:
    """Add a new signing key of the Cairn instance; it signs new transcripts from now on."""
    return _key_create(actor=actor, issuer=None)


def instance_signing_key() -> IssuerKey:
    """The instance's newest key, created on first use. The instance has no row of its own to
    lock, so creators lock IssuerKey's content-type row instead: it always exists, and only
    this function locks it, so two workers wait for each other and the second finds the
    first one's key. (On SQLite, Cairn's IMMEDIATE transactions serialise writers anyway.)"""
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(IssuerKey)
        ContentType.objects.select_for_update().get(pk=content_type.pk)
        key = IssuerKey.objects.filter(issuer__isnull=True).order_by("-created_at", "-id").first()
        return key or instance_key_create(actor=None)


def instance_method_id(key: IssuerKey) -> str:
    return f"{instance_did()}#{key.public_key_multibase}"


def private_key(key: IssuerKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(bytes(key.private_key_encrypted)))


def _multikey_methods(did: str, keys: list[IssuerKey]) -> list[dict[str, Any]]:
    """DID Core §5.2 verification methods of type Multikey (Controlled Identifiers §2.2.2)."""
    return [
        {
            "id": f"{did}#{key.public_key_multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]


def did_document(issuer: Organization) -> dict[str, Any]:
    """The issuer's DID document: every key it ever had, all authorised for assertions."""
    did = issuer_did(issuer)
    methods = _multikey_methods(did, list(IssuerKey.objects.filter(issuer=issuer)))
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def local_controller(did: str) -> dict[str, Any] | None:
    """Resolve a did:web of this instance (itself or one of its issuers) from the database."""
    if did == instance_did():
        # Imported here: issuing imports this module.
        from cairn.credentials.issuing import public_url

        return instance_did_document(public_url("/"))
    prefix = instance_did() + ":issuers:"
    if not did.startswith(prefix):
        return None
    issuer = Organization.objects.filter(slug=did[len(prefix) :], is_issuer=True).first()
    return did_document(issuer) if issuer else None


def instance_did_document(base_url: str) -> dict[str, Any]:
    """did:web:<host> of the Cairn instance itself: its own keys (every one it ever had, all
    authorised for assertions; they sign transcripts) and the site it belongs to
    (LinkedDomains). Issuers sign with their own DIDs below it (did:web:<host>:issuers:<slug>).
    Reading it never creates a key: the first transcript does."""
    did = instance_did()
    methods = _multikey_methods(did, list(IssuerKey.objects.filter(issuer__isnull=True)))
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
        "service": [{"id": f"{did}#site", "type": "LinkedDomains", "serviceEndpoint": base_url}],
    }
