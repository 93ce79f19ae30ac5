import secrets
import uuid

from django.db import transaction
from django.urls import reverse

from cairn.core.audit import audit_record
from cairn.credentials.issuing import award_credential_document, public_url
from cairn.credentials.keys import issuer_signing_key, method_id, private_key
from cairn.credentials.models import Award, Credential
from cairn.credentials.openbadges.dataintegrity import sign
from cairn.credentials.openbadges.jsonld import offline_loader


def award_issue_credential(*, award_id: int) -> Credential | None:
    """Compose and sign the award's Open Badges 3.0 credential, exactly once: the award row is
    locked, and an award that already has its credential is left as it is. None if the award
    no longer exists."""
    with transaction.atomic():
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("version", "micro_credential__issuer", "educator", "submission")
            .filter(pk=award_id)
            .first()
        )
        if award is None:
            return None
        existing = Credential.objects.filter(award=award).first()
        if existing is not None:
            return existing
        issuer = award.micro_credential.issuer
        key = issuer_signing_key(issuer)
        public_id = uuid.uuid4()
        salt = secrets.token_hex(16)
        document = award_credential_document(
            award,
            credential_url=public_url(reverse("credentials:credential_json", args=[public_id])),
            salt=salt,
            valid_from=award.awarded_at,
        )
        signed = sign(
            document,
            private_key=private_key(key),
            verification_method=method_id(issuer, key),
            created=document["validFrom"],
            loader=offline_loader(),
        )
        credential = Credential.objects.create(award=award, public_id=public_id, document=signed, salt=salt, key=key)
        audit_record(actor=None, action="credential_issue", subject=credential, new_state="issued")
    return credential
