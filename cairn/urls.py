from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path


def _superusers_only(request: HttpRequest) -> bool:
    # Django admin is a staff tool for superusers; everyday administration has its own pages.
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.site_header = "Cairn administration"

urlpatterns = [
    path("", include("cairn.core.urls")),
    path("", include("cairn.catalog.urls")),
    path("accounts/", include("allauth.urls")),
    path("people/", include("cairn.accounts.urls")),
    path("earning/", include("cairn.earning.urls")),
    path("review/", include("cairn.review.urls")),
    path("notifications/", include("cairn.community.urls")),
    path("", include("cairn.credentials.urls")),
    path("admin/", admin.site.urls),
]
