from django.contrib.auth.models import AnonymousUser

from cairn.accounts.models import User
from cairn.credentials.models import Award


def earned_micro_credential_ids(user: User | AnonymousUser) -> set[int]:
    """Micro-credentials this person holds a current (unrevoked) award for."""
    if not user.is_authenticated:
        return set()
    return set(
        Award.objects.filter(educator=user, revoked_at__isnull=True, micro_credential__isnull=False).values_list(
            "micro_credential_id", flat=True
        )
    )
