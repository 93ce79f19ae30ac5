"""Every write on the educator's side of earning. Each workflow move is one transaction that
locks the pursuit, checks the move against Pursuit.TRANSITIONS, records an AuditEvent and
schedules notifications after commit."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import User
from cairn.catalog.models import EvidenceRequirement, MicroCredential, RequirementKind
from cairn.community.models import NotificationKind
from cairn.community.services import notification_send
from cairn.core.audit import audit_record
from cairn.core.errors import DomainError
from cairn.earning.models import (
    Artifact,
    PortfolioEntry,
    Pursuit,
    PursuitStatus,
    QueueStatus,
    Submission,
)
from cairn.earning.uploads import check_upload

WRITTEN_KINDS = (RequirementKind.WRITTEN, RequirementKind.ANALYSIS, RequirementKind.REFLECTION)
WORD = re.compile(r"\S+")


class StaleRevision(DomainError):
    """An autosave based on an older revision than the one stored (another window saved since)."""


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def _move(
    pursuit: Pursuit, new_status: str, *, actor: User | None, action: str, refused: str, **details: object
) -> None:
    """Apply one TRANSITIONS move; ``refused`` is what the person is told when it is not allowed."""
    old = pursuit.status
    if new_status not in Pursuit.TRANSITIONS[old]:
        raise DomainError(f"{refused} (It is {pursuit.get_status_display().lower()}.)")
    pursuit.status = new_status
    pursuit.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=action, subject=pursuit, old_state=old, new_state=new_status, details=details)


def _locked(pursuit: Pursuit) -> Pursuit:
    return Pursuit.objects.select_for_update().select_related("version").get(pk=pursuit.pk)


def pursuit_start(*, educator: User, micro_credential: MicroCredential) -> Pursuit:
    """Start (or return the already running) pursuit of the current published version."""
    from cairn.credentials.selectors import earned_micro_credential_ids

    version = micro_credential.current_version
    if version is None:
        raise DomainError("This micro-credential is not open for new pursuits.")
    with transaction.atomic():
        existing = (
            Pursuit.objects.select_for_update()
            .filter(educator=educator, micro_credential=micro_credential)
            .exclude(status=PursuitStatus.WITHDRAWN)
            .first()
        )
        if existing is not None:
            return existing
        missing = [p for p in micro_credential.prerequisites.all() if p.pk not in earned_micro_credential_ids(educator)]
        if missing:
            raise DomainError("Earn these first: " + ", ".join(str(p) for p in missing) + ".")
        pursuit = Pursuit.objects.create(
            educator=educator,
            micro_credential=micro_credential,
            version=version,
            attempt_limit=settings.CAIRN_ATTEMPT_LIMIT,
        )
        PortfolioEntry.objects.bulk_create(
            PortfolioEntry(pursuit=pursuit, requirement=requirement) for requirement in version.requirements.all()
        )
        audit_record(
            actor=educator,
            action="pursuit_start",
            subject=pursuit,
            new_state=pursuit.status,
            details={"micro_credential": micro_credential.slug, "version": version.number},
        )
    return pursuit


def _editable_entry(educator: User, pursuit: Pursuit, requirement: EvidenceRequirement) -> PortfolioEntry:
    pursuit = _locked(pursuit)
    if pursuit.educator_id != educator.pk:
        raise DomainError("This portfolio belongs to someone else.")
    if not pursuit.is_editable:
        raise DomainError("This attempt has been submitted; its evidence can no longer change.")
    entry = PortfolioEntry.objects.select_for_update().filter(pursuit=pursuit, requirement=requirement).first()
    if entry is None:
        raise DomainError("That requirement is not part of this micro-credential.")
    return entry


def _checked_link(url: str) -> str:
    url = url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise DomainError("Enter a web address starting with https:// or http://.", field="link_url") from exc
    return url


def portfolio_save(
    *,
    educator: User,
    pursuit: Pursuit,
    requirement: EvidenceRequirement,
    text: str | None = None,
    link_url: str | None = None,
    link_title: str | None = None,
    base_revision: int | None = None,
) -> PortfolioEntry:
    """Save a draft answer (autosave calls this often). Over-long text is kept: the word limit
    is checked before submission, not while typing. Autosaves are not audited; submission is."""
    with transaction.atomic():
        entry = _editable_entry(educator, pursuit, requirement)
        if base_revision is not None and base_revision != entry.revision:
            raise StaleRevision(
                "This answer was changed in another window. Your text is kept on this page; "
                "reload to see the other version before saving again."
            )
        if text is not None:
            entry.text = text
        if link_url is not None:
            entry.link_url = _checked_link(link_url)
        if link_title is not None:
            if len(link_title.strip()) > 200:
                raise DomainError("Keep the link's title under 200 characters.", field="link_title")
            entry.link_title = link_title.strip()
        entry.revision += 1
        entry.save()
        Pursuit.objects.filter(pk=pursuit.pk).update(updated_at=timezone.now())
    return entry


def portfolio_entry_share(
    *, educator: User, pursuit: Pursuit, requirement: EvidenceRequirement, in_credential: bool
) -> PortfolioEntry:
    """Show (or stop showing) one requirement's evidence in the credential. The credential is
    signed once when the micro-credential is awarded, so the choice is open until then."""
    with transaction.atomic():
        pursuit = _locked(pursuit)
        if pursuit.educator_id != educator.pk:
            raise DomainError("This portfolio belongs to someone else.")
        if pursuit.status == PursuitStatus.EARNED:
            raise DomainError("This micro-credential is awarded: its credential is signed and can no longer change.")
        entry = PortfolioEntry.objects.select_for_update().filter(pursuit=pursuit, requirement=requirement).first()
        if entry is None:
            raise DomainError("That requirement is not part of this micro-credential.")
        if entry.in_credential != in_credential:
            entry.in_credential = in_credential
            entry.save(update_fields=["in_credential"])
            audit_record(
                actor=educator,
                action="portfolio_entry_share",
                subject=entry,
                old_state="private" if in_credential else "in_credential",
                new_state="in_credential" if in_credential else "private",
            )
    return entry


def artifact_upload(
    *, educator: User, pursuit: Pursuit, requirement: EvidenceRequirement, upload: UploadedFile
) -> Artifact:
    """Check the file by its content and add it to the requirement's evidence."""
    if requirement.kind != RequirementKind.UPLOAD and not requirement.file_kinds:
        raise DomainError("This requirement does not take files.")
    checked = check_upload(upload, allowed_kinds=requirement.file_kinds)
    with transaction.atomic():
        _editable_entry(educator, pursuit, requirement)
        artifact = Artifact(
            pursuit=pursuit,
            requirement=requirement,
            original_name=(upload.name or "file")[:255],
            content_type=checked.content_type,
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
        )
        artifact.file.save(upload.name or "file", upload, save=False)
        artifact.save()
        audit_record(
            actor=educator,
            action="artifact_upload",
            subject=artifact,
            details={"pursuit": pursuit.pk, "name": artifact.original_name, "type": checked.content_type},
        )
    return artifact


def artifact_remove(*, educator: User, artifact: Artifact) -> None:
    """Take a file out of the portfolio. The file itself is kept while any submission uses it."""
    with transaction.atomic():
        _editable_entry(educator, artifact.pursuit, artifact.requirement)
        artifact.removed_at = timezone.now()
        artifact.save(update_fields=["removed_at"])
        audit_record(actor=educator, action="artifact_remove", subject=artifact)


@dataclass(frozen=True)
class Gap:
    requirement: EvidenceRequirement
    message: str


def completeness_gaps(pursuit: Pursuit) -> list[Gap]:
    """What is missing before this portfolio can be submitted. Checking uses no attempt."""
    entries = {e.requirement_id: e for e in pursuit.entries.all()}
    files = {a.requirement_id for a in pursuit.artifacts.filter(removed_at__isnull=True)}
    gaps = []
    for requirement in pursuit.version.requirements.all():
        entry = entries.get(requirement.pk)
        text = entry.text if entry else ""
        words = word_count(text)
        if requirement.word_limit and words > requirement.word_limit:
            gaps.append(Gap(requirement, f"{words} words; the limit is {requirement.word_limit}."))
        if not requirement.required:
            continue
        if requirement.kind in WRITTEN_KINDS and words == 0:
            gaps.append(Gap(requirement, "Write your response."))
        elif requirement.kind == RequirementKind.UPLOAD and requirement.pk not in files:
            gaps.append(Gap(requirement, "Upload at least one file."))
        elif requirement.kind == RequirementKind.LINK and not (entry and entry.link_url):
            gaps.append(Gap(requirement, "Add the link."))
    return gaps


def submission_submit(
    *, educator: User, pursuit: Pursuit, privacy_confirmed: bool, change_note: str = ""
) -> Submission:
    """Freeze the portfolio as the next attempt and put it in the assessors' queue."""
    with transaction.atomic():
        pursuit = _locked(pursuit)
        if pursuit.educator_id != educator.pk:
            raise DomainError("This portfolio belongs to someone else.")
        if pursuit.status != PursuitStatus.IN_PROGRESS:
            raise DomainError("This attempt has already been submitted.")
        if pursuit.attempts_left == 0:
            raise DomainError("No attempts are left for this micro-credential.")
        gaps = completeness_gaps(pursuit)
        if gaps:
            raise DomainError("Not ready to submit: " + " ".join(f"{g.requirement.title}: {g.message}" for g in gaps))
        if not privacy_confirmed:
            raise DomainError("Confirm that student names and faces are removed from your evidence.", field="privacy")
        attempt = pursuit.attempts_used + 1
        if attempt > 1 and not change_note.strip():
            raise DomainError("Say briefly what you changed since your last attempt.", field="change_note")
        entries = {e.requirement_id: e for e in pursuit.entries.all()}
        artifacts = list(pursuit.artifacts.filter(removed_at__isnull=True))
        snapshot = {
            "requirements": [
                {
                    "requirement_id": r.pk,
                    "key": r.key,
                    "title": r.title,
                    "kind": r.kind,
                    "text": entries[r.pk].text if r.pk in entries else "",
                    "link_url": entries[r.pk].link_url if r.pk in entries else "",
                    "link_title": entries[r.pk].link_title if r.pk in entries else "",
                    "artifact_ids": [a.pk for a in artifacts if a.requirement_id == r.pk],
                }
                for r in pursuit.version.requirements.all()
            ]
        }
        submission = Submission.objects.create(
            pursuit=pursuit, attempt=attempt, snapshot=snapshot, change_note=change_note.strip()
        )
        submission.artifacts.set(artifacts)
        pursuit.attempts_used = attempt
        pursuit.save(update_fields=["attempts_used"])
        _move(
            pursuit,
            PursuitStatus.SUBMITTED,
            actor=educator,
            action="submission_submit",
            refused="This pursuit cannot be submitted now.",
            attempt=attempt,
        )
        notification_send(
            recipient=educator,
            kind=NotificationKind.SUBMISSION_RECEIVED,
            message=f"We received attempt {attempt} of “{pursuit.version.title}”. An assessor will score it.",
            url=reverse("earning:pursuit", args=[pursuit.pk]),
        )
    return submission


def pursuit_resubmit(*, educator: User, pursuit: Pursuit) -> Pursuit:
    """After “not yet”: reopen the portfolio, starting from the previous attempt's evidence."""
    with transaction.atomic():
        pursuit = _locked(pursuit)
        if pursuit.educator_id != educator.pk:
            raise DomainError("This portfolio belongs to someone else.")
        if pursuit.status == PursuitStatus.NOT_YET and pursuit.attempts_left == 0:
            raise DomainError("No attempts are left for this micro-credential.")
        _move(
            pursuit,
            PursuitStatus.IN_PROGRESS,
            actor=educator,
            action="pursuit_resubmit",
            refused="Only a “not yet” decision can be followed by a new attempt.",
        )
    return pursuit


def pursuit_withdraw(*, educator: User, pursuit: Pursuit) -> Pursuit:
    """Stop pursuing. The pursuit and its submissions stay in the educator's history."""
    with transaction.atomic():
        pursuit = _locked(pursuit)
        if pursuit.educator_id != educator.pk:
            raise DomainError("This portfolio belongs to someone else.")
        waiting = pursuit.submissions.filter(queue_status=QueueStatus.WAITING)
        _move(
            pursuit,
            PursuitStatus.WITHDRAWN,
            actor=educator,
            action="pursuit_withdraw",
            refused="A pursuit cannot be withdrawn while an assessor is scoring it or after it is earned.",
        )
        waiting.update(queue_status=QueueStatus.WITHDRAWN)
    return pursuit
