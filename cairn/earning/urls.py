from django.urls import path

from cairn.earning import views

app_name = "earning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pursuits/<int:pursuit_id>/", views.pursuit_detail, name="pursuit"),
]
