from django_tasks import task

from cairn.community.services import notification_deliver


@task()
def notification_email(*, notification_id: int) -> None:
    notification_deliver(notification_id=notification_id)
