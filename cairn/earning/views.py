"""The educator's side of earning: start a pursuit, build the portfolio (autosaved drafts and
uploaded files), check it, submit attempts, read feedback, resubmit or withdraw.

Every view starts with an access_* check and calls at most one service. Requests made by
scripts (autosave with fetch, uploads, htmx) get JSON or a partial, and a 401 instead of a
redirect to the sign-in page when the session has ended, so the page can keep the text and
tell the person to sign in again."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cairn.catalog.access import access_micro_credential_version
from cairn.catalog.models import EvidenceRequirement
from cairn.core.errors import DomainError
from cairn.core.http import SignedInRequest
from cairn.earning import selectors, services
from cairn.earning.access import (
    access_artifact_download,
    access_portfolio_artifact,
    access_pursuit,
    access_pursuit_requirement,
    access_submission,
)
from cairn.earning.forms import AutosaveForm, SubmitForm, WithdrawForm
from cairn.earning.models import Pursuit
from cairn.earning.uploads import artifact_file_response

SIGNED_OUT = "You are signed out. Your text is kept on this device — sign in again to keep saving."

View = Callable[..., HttpResponseBase]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _login_url(next_url: str) -> str:
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"


def signed_in(view: View) -> View:
    """``login_required`` for pages; for script requests a 401 (JSON or an HTML fragment) that
    names the sign-in page with ?next= back to the pursuit, instead of a redirect that fetch
    would silently follow."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if "pursuit_id" in kwargs:
            back = reverse("earning:pursuit", args=[kwargs["pursuit_id"]])
        else:
            back = request.get_full_path() if request.method == "GET" else reverse("earning:dashboard")
        login_url = _login_url(back)
        if _wants_json(request):
            return JsonResponse({"error": SIGNED_OUT, "signed_out": True, "login_url": login_url}, status=401)
        if request.headers.get("HX-Request"):
            return render(request, "earning/_signed_out.html", {"login_url": login_url}, status=401)
        return redirect_to_login(request.get_full_path() if request.method == "GET" else back)

    return wrapper


def _pursuit_url(pursuit: Pursuit, anchor: str = "") -> str:
    url = reverse("earning:pursuit", args=[pursuit.pk])
    return f"{url}#{anchor}" if anchor else url


# ------------------------------------------------------------------ dashboard and start


@signed_in
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    paginator = Paginator(selectors.educator_pursuits(request.user), settings.CAIRN_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(pursuit, selectors.next_step(pursuit)) for pursuit in page.object_list]
    return render(request, "earning/dashboard.html", {"page": page, "rows": rows})


@signed_in
@require_POST
def pursuit_start(request: SignedInRequest, slug: str) -> HttpResponse:
    version = access_micro_credential_version(request.user, slug)
    try:
        pursuit = services.pursuit_start(educator=request.user, micro_credential=version.micro_credential)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:micro_credential", slug=slug)
    return redirect(_pursuit_url(pursuit))


# ------------------------------------------------------------------ the pursuit page


def _render_pursuit(
    request: SignedInRequest,
    pursuit: Pursuit,
    *,
    submit_form: SubmitForm | None = None,
    entry_error: tuple[int, str, dict[str, str]] | None = None,
    upload_error: tuple[int, str] | None = None,
) -> HttpResponse:
    page = selectors.pursuit_page(pursuit)
    for block in page.blocks:
        if entry_error and entry_error[0] == block.requirement.pk:
            block.error, block.override = entry_error[1], entry_error[2]
        if upload_error and upload_error[0] == block.requirement.pk:
            block.upload_error = upload_error[1]
    return render(
        request,
        "earning/pursuit.html",
        {
            "page": page,
            "pursuit": pursuit,
            "version": pursuit.version,
            "submit_form": submit_form or SubmitForm(),
            "login_url": _login_url(_pursuit_url(pursuit)),
            "max_upload_bytes": settings.CAIRN_UPLOAD_MAX_BYTES,
            "max_upload_mb": settings.CAIRN_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


@signed_in
@require_GET
def pursuit_detail(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    pursuit = access_pursuit(request.user, pursuit_id)
    return _render_pursuit(request, pursuit)


@signed_in
@require_GET
def pursuit_check(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    """The "Check what's missing" button: the checklist again, from what is saved now. Uses no attempt."""
    pursuit = access_pursuit(request.user, pursuit_id)
    if not request.htmx:
        return redirect(_pursuit_url(pursuit, "checklist-title"))
    blocks = selectors.pursuit_checklist(pursuit) if pursuit.is_editable else []
    done = sum(1 for b in blocks if b.done)
    return render(
        request,
        "earning/_check.html",
        {
            "pursuit": pursuit,
            "blocks": blocks,
            "done": done,
            "missing": len(blocks) - done,
            "quiet": request.GET.get("quiet") == "1",
            "checked_at": timezone.localtime(),
            "attempt": selectors.current_attempt(pursuit),
        },
    )


@signed_in
@require_POST
def submission_submit(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    pursuit = access_pursuit(request.user, pursuit_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _render_pursuit(request, pursuit, submit_form=form)
    try:
        submission = services.submission_submit(
            educator=request.user,
            pursuit=pursuit,
            privacy_confirmed=form.cleaned_data["privacy"],
            change_note=form.cleaned_data["change_note"],
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_pursuit(request, pursuit, submit_form=form)
    messages.success(
        request, f"Attempt {submission.attempt} is submitted. We will tell you when an assessor has scored it."
    )
    return redirect(_pursuit_url(pursuit))


@signed_in
@require_POST
def pursuit_resubmit(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    pursuit = access_pursuit(request.user, pursuit_id)
    try:
        services.pursuit_resubmit(educator=request.user, pursuit=pursuit)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Attempt {pursuit.attempts_used + 1} is open. Your evidence from attempt {pursuit.attempts_used} "
            "is here to revise; the feedback stays beside each requirement.",
        )
    return redirect(_pursuit_url(pursuit))


@signed_in
@require_http_methods(["GET", "POST"])
def pursuit_withdraw(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    pursuit = access_pursuit(request.user, pursuit_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pursuit_withdraw(educator=request.user, pursuit=pursuit)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"You withdrew from “{pursuit.version.title}”. It stays in your history.")
            return redirect(_pursuit_url(pursuit))
    return render(request, "earning/withdraw.html", {"pursuit": pursuit, "form": form})


# ------------------------------------------------------------------ evidence as assessors see it


@signed_in
@require_GET
def submission_detail(request: SignedInRequest, pursuit_id: int, attempt: int) -> HttpResponse:
    submission = access_submission(request.user, pursuit_id, attempt)
    return render(
        request,
        "earning/submission.html",
        {
            "pursuit": submission.pursuit,
            "submission": submission,
            "blocks": selectors.submission_evidence(submission),
        },
    )


@signed_in
@require_GET
def portfolio_preview(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    pursuit = access_pursuit(request.user, pursuit_id)
    return render(
        request,
        "earning/submission.html",
        {"pursuit": pursuit, "submission": None, "blocks": selectors.portfolio_evidence(pursuit)},
    )


# ------------------------------------------------------------------ autosave


@signed_in
@require_POST
def entry_share(request: SignedInRequest, pursuit_id: int, requirement_id: int) -> HttpResponse:
    """Show one requirement's evidence in the credential, or keep it private."""
    pursuit, requirement = access_pursuit_requirement(request.user, pursuit_id, requirement_id)
    in_credential = request.POST.get("in_credential") == "1"
    try:
        services.portfolio_entry_share(
            educator=request.user, pursuit=pursuit, requirement=requirement, in_credential=in_credential
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"“{requirement.title}” will be shown in your credential."
            if in_credential
            else f"“{requirement.title}” stays private to you and the assessors.",
        )
    return redirect(_pursuit_url(pursuit, f"req-{requirement.pk}"))


@signed_in
@require_POST
def entry_save(request: SignedInRequest, pursuit_id: int, requirement_id: int) -> HttpResponse:
    """Save one requirement's draft. Scripts get JSON: 200 with the new revision, 409 when the
    draft was saved elsewhere since ``base_revision`` (nothing changes), 400 for a refusal.
    Without a script (the "Save draft" button) the page is shown again."""
    pursuit, requirement = access_pursuit_requirement(request.user, pursuit_id, requirement_id)
    form = AutosaveForm(request.POST)
    as_json = _wants_json(request)
    posted = {name: request.POST.get(name, "") for name in ("text", "link_url", "link_title")}
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        message = str(errors[0]) if field != "base_revision" else "Reload the page, then try again."
        if as_json:
            return JsonResponse({"error": message, "field": field}, status=400)
        return _render_pursuit(request, pursuit, entry_error=(requirement.pk, message, posted))
    try:
        entry = services.portfolio_save(
            educator=request.user,
            pursuit=pursuit,
            requirement=requirement,
            base_revision=form.cleaned_data["base_revision"],
            **form.changes(request.POST),
        )
    except services.StaleRevision as exc:
        if as_json:
            return _conflict(pursuit, requirement, exc.message)
        return _render_pursuit(request, pursuit, entry_error=(requirement.pk, exc.message, posted))
    except DomainError as exc:
        if as_json:
            return JsonResponse({"error": exc.message}, status=400)
        return _render_pursuit(request, pursuit, entry_error=(requirement.pk, exc.message, posted))
    saved_at = timezone.localtime(entry.updated_at).strftime("%H:%M")
    if as_json:
        return JsonResponse(
            {
                "revision": entry.revision,
                "saved_at": saved_at,
                "message": f"Saved {saved_at}",
                "words": services.word_count(entry.text),
            }
        )
    messages.success(request, f"“{requirement.title}” saved at {saved_at}.")
    return redirect(_pursuit_url(pursuit, f"req-{requirement.pk}"))


def _conflict(pursuit: Pursuit, requirement: EvidenceRequirement, message: str) -> JsonResponse:
    """409 with what the server holds now, so the page can tell a save of its own whose reply
    was lost (same text) from a real change made in another window."""
    entry = pursuit.entries.filter(requirement=requirement).first()
    current = {"text": entry.text, "link_url": entry.link_url, "link_title": entry.link_title} if entry else {}
    saved_at = timezone.localtime(entry.updated_at).strftime("%H:%M") if entry else ""
    return JsonResponse(
        {
            "error": message,
            "conflict": True,
            "revision": entry.revision if entry else 0,
            "current": current,
            "saved_at": saved_at,
        },
        status=409,
    )


# ------------------------------------------------------------------ files


def _files_partial(
    request: SignedInRequest,
    pursuit: Pursuit,
    requirement: EvidenceRequirement,
    *,
    error: str = "",
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    block = selectors.RequirementBlock(
        requirement=requirement,
        criteria=[],
        entry=None,
        artifacts=selectors.requirement_files(pursuit, requirement),
        upload_error=error,
    )
    return render(
        request,
        "earning/_files.html",
        {
            "pursuit": pursuit,
            "block": block,
            "message": message,
            "editable": pursuit.is_editable,
            "max_upload_bytes": settings.CAIRN_UPLOAD_MAX_BYTES,
            "max_upload_mb": settings.CAIRN_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@signed_in
@require_POST
def artifact_upload(request: SignedInRequest, pursuit_id: int, requirement_id: int) -> HttpResponse:
    pursuit, requirement = access_pursuit_requirement(request.user, pursuit_id, requirement_id)
    upload = request.FILES.get("file")
    error = ""
    if upload is None:
        error = "Choose a file to upload."
    else:
        try:
            artifact = services.artifact_upload(
                educator=request.user, pursuit=pursuit, requirement=requirement, upload=upload
            )
        except DomainError as exc:
            error = f"{exc.message} Nothing was uploaded."
    if request.htmx:
        if error:
            return _files_partial(request, pursuit, requirement, error=error, status=400)
        return _files_partial(request, pursuit, requirement, message=f"Uploaded “{artifact.original_name}”.")
    if error:
        return _render_pursuit(request, pursuit, upload_error=(requirement.pk, error))
    messages.success(request, f"Uploaded “{artifact.original_name}” to “{requirement.title}”.")
    return redirect(_pursuit_url(pursuit, f"req-{requirement.pk}"))


@signed_in
@require_POST
def artifact_remove(request: SignedInRequest, pursuit_id: int, artifact_id: int) -> HttpResponse:
    artifact = access_portfolio_artifact(request.user, pursuit_id, artifact_id)
    pursuit, requirement = artifact.pursuit, artifact.requirement
    try:
        services.artifact_remove(educator=request.user, artifact=artifact)
    except DomainError as exc:
        if request.htmx:
            return _files_partial(request, pursuit, requirement, error=exc.message, status=400)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _files_partial(request, pursuit, requirement, message=f"Removed “{artifact.original_name}”.")
        messages.success(request, f"Removed “{artifact.original_name}”.")
    return redirect(_pursuit_url(pursuit, f"req-{requirement.pk}"))


@signed_in
@require_GET
def artifact_download(request: SignedInRequest, artifact_id: int) -> FileResponse:
    """The file itself, always as a download and never sniffed: evidence is not a web page."""
    response = artifact_file_response(access_artifact_download(request.user, artifact_id))
    response["Cache-Control"] = "private, no-store"
    return response
