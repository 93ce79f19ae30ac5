from django.urls import path

from cairn.community import views

app_name = "community"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
]
