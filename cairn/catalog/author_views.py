"""Issuer authors write micro-credentials, rubrics, stacks and pathways here.

Every view starts with an access_* check; writes go through catalog.services; a
DomainError from a service is shown on the form, naming the field when it can."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cairn.accounts.selectors import issuers_authored_by
from cairn.catalog import selectors, services
from cairn.catalog.access import access_micro_credential_for_authoring, access_pathway, access_stack
from cairn.catalog.forms import (
    CriterionForm,
    MicroCredentialForm,
    NewMicroCredentialForm,
    PathwayForm,
    RequirementForm,
    StackForm,
)
from cairn.catalog.interchange import pathway_entry
from cairn.catalog.models import MicroCredential, MicroCredentialVersion, VersionStatus
from cairn.core.errors import DomainError
from cairn.core.http import SignedInRequest


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _issuers_or_404(request: SignedInRequest) -> Any:
    issuers = issuers_authored_by(request.user)
    if not issuers.exists():
        raise Http404("You are not an author for any issuer.")
    return issuers


@login_required
def author_home(request: SignedInRequest) -> HttpResponse:
    issuers = _issuers_or_404(request)
    return render(
        request,
        "catalog/author/home.html",
        {
            "issuers": issuers,
            "micro_credentials": selectors.authoring_overview(issuers),
            "stacks": selectors.stacks_list().filter(issuer__in=issuers),
            "pathways": selectors.pathways_list().filter(issuer__in=issuers),
        },
    )


@login_required
def micro_credential_new(request: SignedInRequest) -> HttpResponse:
    issuers = _issuers_or_404(request)
    form = NewMicroCredentialForm(request.POST or None, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.micro_credential_create(
                actor=request.user,
                issuer=data["issuer"],
                slug=data["slug"],
                content={"title": data["title"], "competency": data["competency"]},
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Draft created. Add its evidence requirements and rubric, then publish.")
            return redirect("catalog:author_edit", slug=version.micro_credential.slug)
    return render(request, "catalog/author/new.html", {"form": form})


def _draft(mc: MicroCredential) -> MicroCredentialVersion | None:
    return mc.versions.filter(status=VersionStatus.DRAFT).first()


@login_required
def micro_credential_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    mc = access_micro_credential_for_authoring(request.user, slug)
    draft = _draft(mc)
    if draft is None:
        return render(request, "catalog/author/no_draft.html", {"mc": mc})
    initial = {name: getattr(draft, name) for name in services.VERSION_CONTENT_FIELDS}
    initial["alignments"] = list(draft.alignments.all())
    initial["prerequisites"] = list(mc.prerequisites.all())
    form = MicroCredentialForm(request.POST or None, request.FILES or None, initial=initial)
    form.exclude_prerequisite(mc)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = {name: data[name] for name in services.VERSION_CONTENT_FIELDS}
        try:
            services.version_update(
                actor=request.user,
                version=draft,
                content=content,
                alignments=list(data["alignments"]),
                prerequisites=list(data["prerequisites"]),
                image=data["image"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("catalog:author_edit", slug=mc.slug)
    return render(
        request,
        "catalog/author/edit.html",
        {
            "mc": mc,
            "draft": draft,
            "form": form,
            "requirements": draft.requirements.prefetch_related("criteria"),
            "problems": services.publication_problems(draft),
        },
    )


@login_required
@require_POST
def micro_credential_start_draft(request: SignedInRequest, slug: str) -> HttpResponse:
    mc = access_micro_credential_for_authoring(request.user, slug)
    services.version_draft_open(actor=request.user, micro_credential=mc)
    messages.info(
        request, "New draft started from the latest version. The published version stays as it is until you publish."
    )
    return redirect("catalog:author_edit", slug=slug)


@login_required
@require_POST
def micro_credential_publish(request: SignedInRequest, slug: str) -> HttpResponse:
    mc = access_micro_credential_for_authoring(request.user, slug)
    draft = _draft(mc)
    if draft is None:
        messages.error(request, "There is no draft to publish.")
        return redirect("catalog:author_edit", slug=slug)
    try:
        version = services.version_publish(actor=request.user, version=draft)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:author_edit", slug=slug)
    messages.success(request, f"Version {version.number} is published.")
    return redirect("catalog:micro_credential", slug=slug)


@login_required
@require_POST
def micro_credential_discard_draft(request: SignedInRequest, slug: str) -> HttpResponse:
    _, draft = _draft_or_404(request, slug)
    try:
        services.version_discard(actor=request.user, version=draft)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:author_edit", slug=slug)
    messages.success(request, f"Draft version {draft.number} discarded.")
    return redirect("catalog:author_home")


@login_required
@require_POST
def micro_credential_retire(request: SignedInRequest, slug: str) -> HttpResponse:
    mc = access_micro_credential_for_authoring(request.user, slug)
    try:
        services.micro_credential_retire(actor=request.user, micro_credential=mc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Retired. It no longer appears in the catalog; earned awards are unaffected.")
    return redirect("catalog:author_home")


def _draft_or_404(request: SignedInRequest, slug: str) -> tuple[MicroCredential, MicroCredentialVersion]:
    mc = access_micro_credential_for_authoring(request.user, slug)
    draft = _draft(mc)
    if draft is None:
        raise Http404("No draft.")
    return mc, draft


@login_required
def requirement_edit(request: SignedInRequest, slug: str, requirement_id: int | None = None) -> HttpResponse:
    mc, draft = _draft_or_404(request, slug)
    requirement = get_object_or_404(draft.requirements, pk=requirement_id) if requirement_id else None
    initial = (
        {name: getattr(requirement, name) for name in RequirementForm.base_fields}
        if requirement
        else {"required": True}
    )
    form = RequirementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_save(
                actor=request.user,
                version=draft,
                data=form.cleaned_data,
                requirement=requirement,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Requirement saved.")
            return redirect(reverse("catalog:author_edit", kwargs={"slug": slug}) + "#requirements")
    return render(
        request, "catalog/author/requirement.html", {"mc": mc, "draft": draft, "form": form, "requirement": requirement}
    )


@login_required
@require_POST
def requirement_delete(request: SignedInRequest, slug: str, requirement_id: int) -> HttpResponse:
    _, draft = _draft_or_404(request, slug)
    requirement = get_object_or_404(draft.requirements, pk=requirement_id)
    services.requirement_delete(actor=request.user, requirement=requirement)
    messages.success(request, f"Removed “{requirement.title}”.")
    return redirect(reverse("catalog:author_edit", kwargs={"slug": slug}) + "#requirements")


@login_required
def criterion_edit(
    request: SignedInRequest, slug: str, requirement_id: int, criterion_id: int | None = None
) -> HttpResponse:
    mc, draft = _draft_or_404(request, slug)
    requirement = get_object_or_404(draft.requirements, pk=requirement_id)
    criterion = get_object_or_404(requirement.criteria, pk=criterion_id) if criterion_id else None
    initial: dict[str, Any] = {}
    if criterion is not None:
        initial = {
            "key": criterion.key,
            "title": criterion.title,
            "description": criterion.description,
            "levels": CriterionForm.levels_text(criterion.levels),
            "required_level": criterion.required_level_name,
        }
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(
                actor=request.user,
                requirement=requirement,
                data=form.cleaned_data,
                criterion=criterion,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Criterion saved.")
            return redirect(reverse("catalog:author_edit", kwargs={"slug": slug}) + "#requirements")
    return render(
        request,
        "catalog/author/criterion.html",
        {"mc": mc, "draft": draft, "requirement": requirement, "criterion": criterion, "form": form},
    )


@login_required
@require_POST
def criterion_delete(request: SignedInRequest, slug: str, requirement_id: int, criterion_id: int) -> HttpResponse:
    _, draft = _draft_or_404(request, slug)
    requirement = get_object_or_404(draft.requirements, pk=requirement_id)
    criterion = get_object_or_404(requirement.criteria, pk=criterion_id)
    services.criterion_delete(actor=request.user, criterion=criterion)
    messages.success(request, f"Removed “{criterion.title}”.")
    return redirect(reverse("catalog:author_edit", kwargs={"slug": slug}) + "#requirements")


@login_required
def stack_edit(request: SignedInRequest, slug: str | None = None) -> HttpResponse:
    issuers = _issuers_or_404(request)
    stack = access_stack(request.user, slug, for_authoring=True) if slug else None
    initial: dict[str, Any] = {"status": "published"}
    if stack is not None:
        initial = {
            "issuer": stack.issuer,
            "slug": stack.slug,
            "title": stack.title,
            "description": stack.description,
            "status": stack.status,
            "micro_credentials": "\n".join(
                i.micro_credential.slug for i in stack.items.select_related("micro_credential")
            ),
        }
    form = StackForm(request.POST or None, initial=initial, issuers=issuers)
    if stack is not None:
        form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.stack_save(
                actor=request.user,
                issuer=data["issuer"],
                slug=data["slug"],
                title=data["title"],
                description=data["description"],
                status=data["status"],
                micro_credentials=data["micro_credentials"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Stack saved.")
            return redirect("catalog:stack", slug=saved.slug)
    choices = selectors.authoring_overview(issuers).filter(current_version__isnull=False)
    return render(request, "catalog/author/stack.html", {"form": form, "stack": stack, "choices": choices})


@login_required
def pathway_edit(request: SignedInRequest, slug: str | None = None) -> HttpResponse:
    issuers = _issuers_or_404(request)
    pathway = access_pathway(request.user, slug, for_authoring=True) if slug else None
    initial: dict[str, Any] = {"status": "published"}
    if pathway is not None:
        entry = pathway_entry(pathway)
        initial = {**entry, "issuer": pathway.issuer, "steps": PathwayForm.steps_text(entry["steps"])}
    form = PathwayForm(request.POST or None, initial=initial, issuers=issuers)
    if pathway is not None:
        form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            k: data[k]
            for k in ("title", "description", "status", "min_count", "committee_review", "committee_review_note")
        }
        try:
            saved = services.pathway_save(
                actor=request.user,
                issuer=data["issuer"],
                slug=data["slug"],
                fields=fields,
                steps=data["steps"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Pathway saved.")
            return redirect("catalog:pathway", slug=saved.slug)
    choices = selectors.authoring_overview(issuers).filter(current_version__isnull=False)
    return render(
        request,
        "catalog/author/pathway.html",
        {
            "form": form,
            "pathway": pathway,
            "choices": choices,
            "stacks": selectors.stacks_list().filter(issuer__in=issuers),
        },
    )
