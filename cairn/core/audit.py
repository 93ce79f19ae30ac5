from typing import Any

from django.db import models

from cairn.core.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    old_state: str = "",
    new_state: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an AuditEvent. Call it inside the service's transaction so both commit together."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        old_state=old_state,
        new_state=new_state,
        details=details or {},
    )
