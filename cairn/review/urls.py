from django.urls import path

from cairn.review import views

app_name = "review"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("queue/claim/", views.claim, name="claim"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/<int:review_id>/save/", views.review_save, name="save"),
    path("reviews/<int:review_id>/finalize/", views.review_finalize, name="finalize"),
    path("reviews/<int:review_id>/release/", views.review_release, name="release"),
]
