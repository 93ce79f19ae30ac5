from django.urls import path

from cairn.catalog import author_views, views

app_name = "catalog"

urlpatterns = [
    path("catalog/", views.catalog_list, name="list"),
    path("catalog/mc/<slug:slug>/", views.micro_credential_detail, name="micro_credential"),
    path("catalog/mc/<slug:slug>/v<int:number>/image", views.micro_credential_image, name="image"),
    path("catalog/stacks/", views.stack_list, name="stacks"),
    path("catalog/stacks/<slug:slug>/", views.stack_detail, name="stack"),
    path("catalog/stacks/<slug:slug>/image", views.stack_image, name="stack_image"),
    path("catalog/pathways/", views.pathway_list, name="pathways"),
    path("catalog/pathways/<slug:slug>/", views.pathway_detail, name="pathway"),
    path("author/", author_views.author_home, name="author_home"),
    path("author/mc/new/", author_views.micro_credential_new, name="author_new"),
    path("author/mc/<slug:slug>/", author_views.micro_credential_edit, name="author_edit"),
    path("author/mc/<slug:slug>/draft/", author_views.micro_credential_start_draft, name="author_start_draft"),
    path("author/mc/<slug:slug>/publish/", author_views.micro_credential_publish, name="author_publish"),
    path("author/mc/<slug:slug>/discard/", author_views.micro_credential_discard_draft, name="author_discard"),
    path("author/mc/<slug:slug>/retire/", author_views.micro_credential_retire, name="author_retire"),
    path("author/mc/<slug:slug>/requirements/new/", author_views.requirement_edit, name="author_requirement_new"),
    path(
        "author/mc/<slug:slug>/requirements/<int:requirement_id>/",
        author_views.requirement_edit,
        name="author_requirement",
    ),
    path(
        "author/mc/<slug:slug>/requirements/<int:requirement_id>/delete/",
        author_views.requirement_delete,
        name="author_requirement_delete",
    ),
    path(
        "author/mc/<slug:slug>/requirements/<int:requirement_id>/criteria/new/",
        author_views.criterion_edit,
        name="author_criterion_new",
    ),
    path(
        "author/mc/<slug:slug>/requirements/<int:requirement_id>/criteria/<int:criterion_id>/",
        author_views.criterion_edit,
        name="author_criterion",
    ),
    path(
        "author/mc/<slug:slug>/requirements/<int:requirement_id>/criteria/<int:criterion_id>/delete/",
        author_views.criterion_delete,
        name="author_criterion_delete",
    ),
    path("author/stacks/new/", author_views.stack_edit, name="author_stack_new"),
    path("author/stacks/<slug:slug>/", author_views.stack_edit, name="author_stack"),
    path("author/pathways/new/", author_views.pathway_edit, name="author_pathway_new"),
    path("author/pathways/<slug:slug>/", author_views.pathway_edit, name="author_pathway"),
]
