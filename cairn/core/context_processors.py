from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Roles of the signed-in person, so the layout shows only the sections they use."""
    from cairn.accounts.selectors import user_roles

    user = request.user
    roles = user_roles(user) if user.is_authenticated else set()
    unread = 0
    if user.is_authenticated:
        from cairn.community.models import Notification

        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "nav_unread": unread,
        "nav_roles": roles,
        "nav_is_author": bool(roles & {"issuer_author", "program_admin"}) or user.is_superuser,
        "nav_is_assessor": "assessor" in roles or user.is_superuser,
        "nav_is_manager": bool(roles & {"district_coordinator", "program_admin"}) or user.is_superuser,
    }
