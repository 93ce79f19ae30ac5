from django.urls import path

from cairn.earning import views

app_name = "earning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/<slug:slug>/", views.pursuit_start, name="start"),
    path("pursuits/<int:pursuit_id>/", views.pursuit_detail, name="pursuit"),
    path("pursuits/<int:pursuit_id>/check/", views.pursuit_check, name="check"),
    path("pursuits/<int:pursuit_id>/submit/", views.submission_submit, name="submit"),
    path("pursuits/<int:pursuit_id>/resubmit/", views.pursuit_resubmit, name="resubmit"),
    path("pursuits/<int:pursuit_id>/withdraw/", views.pursuit_withdraw, name="withdraw"),
    path("pursuits/<int:pursuit_id>/preview/", views.portfolio_preview, name="preview"),
    path("pursuits/<int:pursuit_id>/attempts/<int:attempt>/", views.submission_detail, name="submission"),
    path("pursuits/<int:pursuit_id>/entries/<int:requirement_id>/", views.entry_save, name="autosave"),
    path("pursuits/<int:pursuit_id>/entries/<int:requirement_id>/share/", views.entry_share, name="share"),
    path("pursuits/<int:pursuit_id>/entries/<int:requirement_id>/files/", views.artifact_upload, name="upload"),
    path("pursuits/<int:pursuit_id>/files/<int:artifact_id>/remove/", views.artifact_remove, name="artifact_remove"),
    path("files/<int:artifact_id>/", views.artifact_download, name="artifact"),
]
