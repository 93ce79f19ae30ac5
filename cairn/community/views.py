from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cairn.community.models import Notification
from cairn.community.services import notifications_mark_read
from cairn.core.http import SignedInRequest


@login_required
def notification_list(request: SignedInRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, settings.CAIRN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: SignedInRequest) -> HttpResponse:
    notifications_mark_read(recipient=request.user)
    return redirect("community:notifications")
