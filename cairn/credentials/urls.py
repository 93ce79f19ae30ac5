from django.urls import path

from cairn.credentials import views

app_name = "credentials"

urlpatterns = [
    path(".well-known/did.json", views.instance_did, name="instance_did"),
    path("issuers/<slug:slug>/did.json", views.issuer_did_document, name="issuer_did"),
    path("issuers/<slug:slug>/status/<int:number>", views.status_list, name="status_list"),
    path("issuers/<slug:slug>/image", views.issuer_image, name="issuer_image"),
    path("credentials/", views.wallet, name="wallet"),
    path("credentials/did/", views.subject_did, name="subject_did"),
    path("credentials/transcript/", views.transcript, name="transcript"),
    path("credentials/issued/", views.issued, name="issued"),
    path("credentials/issued/<int:award_id>/revoke/", views.revoke, name="revoke"),
    path("credentials/<uuid:public_id>.json", views.credential_json, name="credential_json"),
    path("credentials/<uuid:public_id>/", views.credential_page, name="credential"),
    path("credentials/<uuid:public_id>/badge.png", views.baked_badge, name="baked_badge"),
    path("credentials/<uuid:public_id>/share/", views.credential_share_view, name="share"),
    path("credentials/<uuid:public_id>/certificate/", views.certificate, name="certificate"),
    path("credentials/<uuid:public_id>/evidence/<slug:key>/", views.evidence, name="evidence"),
    path(
        "credentials/<uuid:public_id>/evidence/<slug:key>/files/<int:artifact_id>",
        views.evidence_file,
        name="evidence_file",
    ),
    path("verify/", views.verify_page, name="verify"),
    path("ob2/issuers/<slug:slug>", views.ob2_issuer, name="ob2_issuer"),
    path("ob2/badges/<slug:slug>/v<int:number>", views.ob2_badge, name="ob2_badge"),
    path("ob2/stacks/<slug:slug>", views.ob2_stack_badge, name="ob2_stack_badge"),
    path("ob2/assertions/<uuid:public_id>", views.ob2_assertion, name="ob2_assertion"),
    path("api/verify", views.verify_api, name="verify_api"),
]
