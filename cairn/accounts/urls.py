from django.urls import path

from cairn.accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.my_account, name="me"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<slug:slug>/people/", views.organization_people, name="organization_people"),
    path(
        "organizations/<slug:slug>/people/<int:membership_id>/revoke/",
        views.membership_revoke,
        name="membership_revoke",
    ),
]
