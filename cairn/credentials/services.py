import secrets
import uuid
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Organization, User
from cairn.catalog.models import CatalogStatus, Stack
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError
from cairn.credentials.issuing import award_credential_document, public_url
from cairn.credentials.keys import issuer_did, issuer_signing_key, method_id, private_key
from cairn.credentials.models import Award, Credential, StatusAllocation, StatusList
from cairn.credentials.openbadges.compose import StatusEntry
from cairn.credentials.openbadges.dataintegrity import sign
from cairn.credentials.openbadges.jsonld import offline_loader
from cairn.credentials.openbadges.statuslist import MIN_LENGTH, compose_status_list_credential


def award_issue_credential(*, award_id: int) -> Credential | None:
    """Compose and sign the award's Open Badges 3.0 credential, exactly once: the award row is
    locked, and an award that already has its credential is left as it is. None if the award
    no longer exists or was revoked before its credential was made."""
    with transaction.atomic():
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("version", "micro_credential__issuer", "stack__issuer", "educator", "submission")
            .filter(pk=award_id)
            .first()
        )
        if award is None or award.revoked_at is not None:
            return None  # a revoked award gets no credential
        existing = Credential.objects.filter(award=award).first()
        if existing is not None:
            return existing
        issuer = award.issuer
        key = issuer_signing_key(issuer)
        public_id = uuid.uuid4()
        salt = secrets.token_hex(16)
        status_list = status_list_with_room(issuer)
        index = _free_index(status_list)
        list_url = status_list_url(status_list)
        document = award_credential_document(
            award,
            public_id=public_id,
            salt=salt,
            valid_from=award.awarded_at,
            status=StatusEntry(id=f"{list_url}#{index}", status_list_credential=list_url, status_list_index=index),
        )
        signed = sign(
            document,
            private_key=private_key(key),
            verification_method=method_id(issuer, key),
            created=document["validFrom"],
            loader=offline_loader(),
        )
        credential = Credential.objects.create(award=award, public_id=public_id, document=signed, salt=salt, key=key)
        StatusAllocation.objects.create(status_list=status_list, index=index, credential=credential)
        audit_record(actor=None, action="credential_issue", subject=credential, new_state="issued")
    return credential


def stack_awards_grant(*, award_id: int) -> list[Award]:
    """Award every published stack the educator has now completed with this micro-credential
    award, each exactly once: the educator's row is locked while their awards are counted, and
    a partial unique constraint backs it. Each new stack award's credential is issued after
    commit by the same task as any award."""
    from cairn.credentials.tasks import award_issue

    with transaction.atomic():
        award = Award.objects.filter(pk=award_id, micro_credential__isnull=False).first()
        if award is None or award.revoked_at is not None:
            return []
        User.objects.select_for_update().get(pk=award.educator_id)
        current = {
            a.micro_credential_id: a
            for a in Award.objects.filter(
                educator_id=award.educator_id, micro_credential__isnull=False, revoked_at__isnull=True
            ).order_by("awarded_at", "id")
        }
        held = set(
            Award.objects.filter(
                educator_id=award.educator_id, stack__isnull=False, revoked_at__isnull=True
            ).values_list("stack_id", flat=True)
        )
        granted = []
        stacks = Stack.objects.filter(
            status=CatalogStatus.PUBLISHED, items__micro_credential_id=award.micro_credential_id
        )
        for stack in stacks.exclude(pk__in=held).prefetch_related("items").distinct():
            members = [item.micro_credential_id for item in stack.items.all()]
            if not members or any(mc_id not in current for mc_id in members):
                continue
            stack_award = Award.objects.create(educator_id=award.educator_id, stack=stack)
            stack_award.components.set([current[mc_id] for mc_id in members])
            audit_record(
                actor=None,
                action="award_create",
                subject=stack_award,
                new_state="awarded",
                details={"stack": stack.slug, "components": [current[mc_id].pk for mc_id in members]},
            )
            transaction.on_commit(partial(award_issue.enqueue, award_id=stack_award.pk))
            granted.append(stack_award)
    return granted


def status_list_url(status_list: StatusList) -> str:
    return public_url(reverse("credentials:status_list", args=[status_list.issuer.slug, status_list.number]))


def _sign_status_list(status_list: StatusList) -> None:
    """Rebuild and re-sign the list from the awards that are revoked now."""
    issuer = status_list.issuer
    revoked = set(
        StatusAllocation.objects.filter(
            status_list=status_list, credential__award__revoked_at__isnull=False
        ).values_list("index", flat=True)
    )
    key = issuer_signing_key(issuer)
    now = timezone.now()
    document = compose_status_list_credential(
        url=status_list_url(status_list),
        issuer_id=issuer_did(issuer),
        valid_from=now,
        revoked=revoked,
        length=status_list.length,
    )
    status_list.document = sign(
        document,
        private_key=private_key(key),
        verification_method=method_id(issuer, key),
        created=document["validFrom"],
        loader=offline_loader(),
    )
    status_list.save(update_fields=["document", "updated_at"])


def status_list_with_room(issuer: Organization) -> StatusList:
    """The issuer's newest status list with free positions (locked), or a new one."""
    current = StatusList.objects.select_for_update().filter(issuer=issuer).order_by("-number").first()
    if current is not None and current.allocations.count() < current.length // 2:
        return current
    number = (current.number + 1) if current else 1
    status_list = StatusList.objects.create(issuer=issuer, number=number, length=MIN_LENGTH, document={})
    _sign_status_list(status_list)
    return status_list


def _free_index(status_list: StatusList) -> int:
    """A random unused position: neighbours in a list reveal nothing about issuing order.
    Lists are replaced at half full, so a few tries always find a free one."""
    used = set(status_list.allocations.values_list("index", flat=True))
    while True:
        index = secrets.randbelow(status_list.length)
        if index not in used:
            return index


def award_revoke(*, actor: User | None, award: Award, reason: str) -> Award:
    """Revoke an award: its credential's status bit flips in the issuer's signed status list."""
    if not reason.strip():
        raise DomainError("Give the reason for revoking; the educator will see it.", field="reason")
    with transaction.atomic():
        award = (
            Award.objects.select_for_update(of=("self",))
            .select_related("version", "micro_credential__issuer", "stack__issuer")
            .get(pk=award.pk)
        )
        if award.revoked_at is not None:
            raise DomainError("This award is already revoked.")
        award.revoked_at = timezone.now()
        award.revocation_reason = reason.strip()
        award.save(update_fields=["revoked_at", "revocation_reason"])
        audit_record(
            actor=actor,
            action="award_revoke",
            subject=award,
            old_state="awarded",
            new_state="revoked",
            details={"reason": award.revocation_reason},
        )
        # A stack award stands on its components: it falls with any of them. (Awards are locked
        # before status lists, here as when issuing, so the two cannot deadlock.)
        # Locked here, the ones another revocation got to first drop out instead of failing this one.
        for stack_award in award.stack_awards.select_for_update(of=("self",)).filter(revoked_at__isnull=True):
            award_revoke(
                actor=actor,
                award=stack_award,
                reason=f"“{award.title}”, one of its micro-credentials, was revoked: {award.revocation_reason}",
            )
        allocation = (
            StatusAllocation.objects.filter(credential__award=award).select_related("status_list__issuer").first()
        )
        if allocation is not None:
            status_list = (
                StatusList.objects.select_for_update().select_related("issuer").get(pk=allocation.status_list_id)
            )
            _sign_status_list(status_list)
    return award


def credential_share(*, educator: User, credential: Credential, public: bool) -> Credential:
    """The holder makes their credential public (anyone with the link) or private again."""
    with transaction.atomic():
        credential = Credential.objects.select_for_update().select_related("award").get(pk=credential.pk)
        if credential.award.educator_id != educator.pk:
            raise DomainError("Only the credential's holder can share it.")
        if credential.is_public != public:
            old = "public" if credential.is_public else "private"
            credential.is_public = public
            credential.save(update_fields=["is_public"])
            new = "public" if public else "private"
            audit_record(actor=educator, action="credential_share", subject=credential, old_state=old, new_state=new)
    return credential
