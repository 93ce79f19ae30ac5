from django.urls import path

from cairn.review import views

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
]
