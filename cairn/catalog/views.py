"""Public catalog pages: anyone may browse published micro-credentials, stacks and pathways."""

import hashlib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from cairn.catalog import selectors
from cairn.catalog.access import access_micro_credential_version, access_pathway, access_stack, can_author
from cairn.catalog.models import Audience, VersionStatus
from cairn.catalog.progress import pathway_progress
from cairn.catalog.selectors import CatalogFilters
from cairn.core.http import CairnRequest
from cairn.credentials.selectors import earned_micro_credential_ids


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value.strip() else None
    except InvalidOperation:
        return None


def _filters(request: CairnRequest) -> CatalogFilters:
    item = request.GET.get("item", "")
    return CatalogFilters(
        q=request.GET.get("q", "").strip()[:200],
        issuer=request.GET.get("issuer", ""),
        stack=request.GET.get("stack", ""),
        framework_item=int(item) if item.isdigit() else None,
        audience=request.GET.get("audience", "") if request.GET.get("audience") in Audience.values else "",
        pd_min=_decimal(request.GET.get("pd_min", "")),
        pd_max=_decimal(request.GET.get("pd_max", "")),
    )


@require_GET
def catalog_list(request: CairnRequest) -> HttpResponse:
    filters = _filters(request)
    paginator = Paginator(selectors.catalog_search(filters), settings.CAIRN_CATALOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    if request.htmx and request.htmx.target == "catalog-results":
        return render(request, "catalog/_results.html", context)
    context.update(selectors.catalog_filter_choices())
    context["audiences"] = Audience.choices
    return render(request, "catalog/list.html", context)


@require_GET
def micro_credential_detail(request: CairnRequest, slug: str) -> HttpResponse:
    number = request.GET.get("version", "")
    from cairn.earning.selectors import live_pursuit

    version = access_micro_credential_version(request.user, slug, int(number) if number.isdigit() else None)
    mc = version.micro_credential
    context = {
        "version": version,
        "mc": mc,
        "is_current": mc.current_version_id == version.pk,
        "is_draft": version.status == VersionStatus.DRAFT,
        "can_author": can_author(request.user, mc.issuer),
        # The educator's running pursuit, for "Continue" instead of "Start".
        "pursuit": live_pursuit(request.user, mc),
        **selectors.version_detail(version),
    }
    return render(request, "catalog/micro_credential.html", context)


@require_GET
def micro_credential_image(request: CairnRequest, slug: str, number: int) -> HttpResponseBase:
    """The badge image: the uploaded one, or a generated emblem in the issuer's colour."""
    version = access_micro_credential_version(request.user, slug, number)
    if version.image:
        return FileResponse(version.image.open("rb"))
    return emblem_response(version.title, version.micro_credential.issuer.slug)


@require_GET
def stack_image(request: CairnRequest, slug: str) -> HttpResponse:
    """A stack's badge image: the emblem of its title in its issuer's colour."""
    stack = access_stack(request.user, slug)
    return emblem_response(stack.title, stack.issuer.slug)


def emblem_response(title: str, issuer_slug: str) -> HttpResponse:
    """A generated badge image: a hexagon in the issuer's colour with the title's initials."""
    hue = int(hashlib.sha256(issuer_slug.encode()).hexdigest()[:4], 16) % 360
    initials = "".join(w[0] for w in title.split() if w[:1].isalpha())[:3].upper()
    svg = render_to_string("catalog/emblem.svg", {"hue": hue, "initials": initials, "title": title})
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def stack_list(request: CairnRequest) -> HttpResponse:
    return render(request, "catalog/stack_list.html", {"stacks": selectors.stacks_list()})


@require_GET
def stack_detail(request: CairnRequest, slug: str) -> HttpResponse:
    stack = access_stack(request.user, slug)
    earned = earned_micro_credential_ids(request.user)
    items = selectors.stack_detail(stack)
    earned_count = sum(1 for item in items if item.micro_credential_id in earned)
    return render(
        request,
        "catalog/stack.html",
        {
            "stack": stack,
            "items": [(item, item.micro_credential_id in earned) for item in items],
            "earned_count": earned_count,
            "complete": bool(items) and earned_count == len(items),
            "can_author": can_author(request.user, stack.issuer),
        },
    )


@require_GET
def pathway_list(request: CairnRequest) -> HttpResponse:
    return render(request, "catalog/pathway_list.html", {"pathways": selectors.pathways_list()})


@require_GET
def pathway_detail(request: CairnRequest, slug: str) -> HttpResponse:
    pathway = selectors.pathway_with_steps(access_pathway(request.user, slug))
    earned = earned_micro_credential_ids(request.user)
    return render(
        request,
        "catalog/pathway.html",
        {
            "pathway": pathway,
            "progress": pathway_progress(pathway, earned),
            "can_author": can_author(request.user, pathway.issuer),
        },
    )
