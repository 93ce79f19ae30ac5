"""An educator's transcript: a CLR 2.0 ClrCredential bundling every current credential they
hold, signed by the Cairn instance (did:web:<host>). Made on demand and not stored: it is a
signed snapshot, and the credentials inside it stay verifiable (and revocable) one by one."""

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from cairn.accounts.models import User
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError
from cairn.credentials.issuing import public_url
from cairn.credentials.keys import instance_did, instance_method_id, instance_signing_key, private_key
from cairn.credentials.models import Award
from cairn.credentials.openbadges.clr import TranscriptData, compose_clr_credential
from cairn.credentials.openbadges.compose import IssuerProfile, SubjectData, hash_identity
from cairn.credentials.openbadges.dataintegrity import sign
from cairn.credentials.openbadges.jsonld import offline_loader

NOTHING_TO_BUNDLE = (
    "You have no current credential yet, so there is no transcript to download. "
    "It becomes available once your first award's credential has been issued."
)


def current_credential_documents(educator: User) -> list[dict[str, Any]]:
    """The signed documents of the educator's unrevoked awards (micro-credentials and stacks
    alike), oldest first, as a transcript lists them."""
    awards = (
        Award.objects.filter(educator=educator, revoked_at__isnull=True, credential__isnull=False)
        .select_related("credential")
        .order_by("awarded_at", "id")
    )
    return [award.credential.document for award in awards]


def instance_profile() -> IssuerProfile:
    """OB 3.0 §B.1.14 Profile of the Cairn instance, the signer of transcripts."""
    return IssuerProfile(id=instance_did(), name=f"Cairn ({settings.CAIRN_PUBLIC_HOST})", url=public_url("/"))


def clr_issue(*, educator: User) -> dict[str, Any]:
    """Compose and sign the educator's CLR transcript now. Raises DomainError when they hold
    no current credential (a CLR must bundle at least one)."""
    credentials = current_credential_documents(educator)
    if not credentials:
        raise DomainError(NOTHING_TO_BUNDLE)
    salt = secrets.token_hex(16)
    transcript = TranscriptData(
        id=f"urn:uuid:{uuid.uuid4()}",
        name=f"Cairn transcript of {educator.full_name}" if educator.full_name else "Cairn transcript",
        description=f"The educator's current credentials ({len(credentials)}), each exactly as its issuer signed it.",
        issuer=instance_profile(),
        valid_from=timezone.now(),
        subject=SubjectData(identifier_hash=hash_identity(educator.email, salt), salt=salt),
        credentials=credentials,
    )
    document = compose_clr_credential(transcript)
    key = instance_signing_key()
    # Signed outside a transaction: canonicalising every embedded credential takes a while,
    # and nothing is written until the audit event.
    signed = sign(
        document,
        private_key=private_key(key),
        verification_method=instance_method_id(key),
        created=document["validFrom"],
        loader=offline_loader(),
    )
    audit_record(
        actor=educator,
        action="clr_issue",
        subject=educator,
        new_state="issued",
        details={"clr": document["id"], "credentials": [c.get("id") for c in credentials]},
    )
    return signed
