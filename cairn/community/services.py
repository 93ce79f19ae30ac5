from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cairn.accounts.models import User
from cairn.community.models import Notification


def notification_send(*, recipient: User, kind: str, message: str, url: str = "") -> Notification:
    """Record an in-app notification now and email it after the surrounding transaction commits."""
    from cairn.community.tasks import notification_email

    notification = Notification.objects.create(recipient=recipient, kind=kind, message=message, url=url)
    transaction.on_commit(lambda: notification_email.enqueue(notification_id=notification.pk))
    return notification


def notification_deliver(*, notification_id: int) -> bool:
    """Email one notification. Safe to run twice: one already emailed is skipped."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        link = f"\n\nhttp://{settings.CAIRN_PUBLIC_HOST}{notification.url}" if notification.url else ""
        send_mail(
            subject=f"Cairn: {notification.get_kind_display()}",
            message=f"{notification.message}{link}",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, recipient: User) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(read_at=timezone.now())
