import json
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cairn.accounts.models import Organization
from cairn.accounts.selectors import issuers_authored_by
from cairn.accounts.services import user_did_set
from cairn.catalog.access import access_micro_credential_version, access_stack
from cairn.catalog.models import CatalogStatus
from cairn.catalog.views import emblem_response
from cairn.core.errors import DomainError
from cairn.core.http import CairnRequest, SignedInRequest
from cairn.credentials.clr import clr_issue
from cairn.credentials.issuing import evidence_path, public_url
from cairn.credentials.keys import did_document, instance_did_document
from cairn.credentials.models import Award, Credential, StatusList
from cairn.credentials.openbadges import baking, ob2
from cairn.credentials.services import award_revoke, credential_share
from cairn.credentials.verification import verify_credential
from cairn.earning.models import Artifact
from cairn.earning.selectors import safe_link
from cairn.earning.uploads import artifact_file_response


@require_GET
def issuer_did_document(request: CairnRequest, slug: str) -> JsonResponse:
    """did:web resolution: did:web:<host>:issuers:<slug> → /issuers/<slug>/did.json."""
    issuer = Organization.objects.filter(slug=slug, is_issuer=True).first()
    if issuer is None:
        raise Http404("No such issuer.")
    response = JsonResponse(did_document(issuer), content_type="application/did+ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def issuer_image(request: CairnRequest, slug: str) -> HttpResponse:
    """The issuer's image in its Profile: the emblem of its name in its colour."""
    issuer = get_object_or_404(Organization, slug=slug, is_issuer=True)
    return emblem_response(issuer.name, issuer.slug)


def access_credential(request: CairnRequest, public_id: UUID) -> Credential:
    """A credential for its holder, or for anyone once the holder made it public; else 404."""
    credential = (
        Credential.objects.select_related(
            "award__version",
            "award__micro_credential__issuer",
            "award__stack__issuer",
            "award__educator",
            "award__submission",
        )
        .filter(public_id=public_id)
        .first()
    )
    if credential is None or not (credential.is_public or credential.award.educator_id == request.user.pk):
        raise Http404("No such credential.")
    return credential


@require_GET
def credential_page(request: CairnRequest, public_id: UUID) -> HttpResponse:
    """The credential as a page: what was earned, from whom, and whether it verifies now."""
    credential = access_credential(request, public_id)
    award = credential.award
    share_url = public_url(reverse("credentials:credential", args=[credential.public_id]))
    linkedin = "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": award.title,
            "organizationName": award.issuer.name,
            "issueYear": award.awarded_at.year,
            "issueMonth": award.awarded_at.month,
            "certUrl": share_url,
            "certId": str(credential.public_id),
        }
    )
    return render(
        request,
        "credentials/credential.html",
        {
            "credential": credential,
            "award": award,
            "verdict": verify_credential(credential.document),
            "share_url": share_url,
            "linkedin_url": linkedin,
            "image_url": public_url(award.image_path),
            "is_holder": award.educator_id == request.user.pk,
            # Evidence ids are this Cairn's public URLs; linked by path so any host name works.
            "evidence": [
                {**item, "href": str(item.get("id", "")).removeprefix(public_url(""))}
                for item in credential.document.get("evidence", [])
            ],
        },
    )


@require_GET
def certificate(request: CairnRequest, public_id: UUID) -> HttpResponse:
    """A printable certificate of the award (the signed JSON remains the proof)."""
    credential = access_credential(request, public_id)
    return render(
        request,
        "credentials/certificate.html",
        {
            "credential": credential,
            "award": credential.award,
            "educator": credential.award.educator,
            "share_url": public_url(reverse("credentials:credential", args=[credential.public_id])),
        },
    )


def _shared_evidence_item(request: CairnRequest, public_id: UUID, key: str) -> tuple[Credential, dict[str, Any]]:
    """One evidence item the signed credential lists (the holder's choice), as it was assessed."""
    credential = access_credential(request, public_id)
    url = public_url(evidence_path(public_id, key))
    submission = credential.award.submission
    listed = any(e.get("id") == url for e in credential.document.get("evidence", []))
    item = next((i for i in submission.snapshot["requirements"] if i["key"] == key), None) if submission else None
    if not listed or item is None or credential.award.revoked_at is not None:
        raise Http404("No such evidence.")
    return credential, item


@require_GET
def evidence(request: CairnRequest, public_id: UUID, key: str) -> HttpResponse:
    credential, item = _shared_evidence_item(request, public_id, key)
    artifacts = Artifact.objects.filter(pk__in=item["artifact_ids"]).order_by("uploaded_at", "id")
    context = {"credential": credential, "item": item, "artifacts": artifacts, "link": safe_link(item["link_url"])}
    return render(request, "credentials/evidence.html", context)


@require_GET
def evidence_file(request: CairnRequest, public_id: UUID, key: str, artifact_id: int) -> FileResponse:
    """A file of shared evidence, always as a download and never sniffed."""
    _, item = _shared_evidence_item(request, public_id, key)
    if artifact_id not in item["artifact_ids"]:
        raise Http404("No such file.")
    return artifact_file_response(get_object_or_404(Artifact, pk=artifact_id))


@login_required
@require_POST
def credential_share_view(request: SignedInRequest, public_id: UUID) -> HttpResponse:
    credential = get_object_or_404(Credential, public_id=public_id, award__educator=request.user)
    public = request.POST.get("public") == "1"
    credential_share(educator=request.user, credential=credential, public=public)
    messages.success(request, "Anyone with the link can now see and verify it." if public else "It is private again.")
    return redirect("credentials:wallet")


@require_GET
def credential_json(request: CairnRequest, public_id: UUID) -> JsonResponse:
    """The signed credential. Private by default: only its holder may download it until they
    choose to make it public (the wallet's sharing switch)."""
    credential = access_credential(request, public_id)
    response = JsonResponse(credential.document, content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="credential-{public_id}.json"'
    return response


MAX_CREDENTIAL_BYTES = 1024 * 1024


def _parse_credential(text: str) -> tuple[Any, str]:
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as exc:
        return None, f"This is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."


def verify_page(request: CairnRequest) -> HttpResponse:
    """Anyone can paste or upload a credential and see each check's result."""
    verdict, error, text = None, "", ""
    shared = request.GET.get("credential", "")
    if request.method == "GET" and shared:
        try:
            document = access_credential(request, UUID(shared)).document
        except (ValueError, Http404):
            error = "That credential link is not public or does not exist."
        else:
            text = json.dumps(document, indent=2)
            verdict = verify_credential(document)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            if (upload.size or 0) > MAX_CREDENTIAL_BYTES:
                error = "That file is too large to be a credential (over 1 MB)."
            else:
                text = upload.read().decode("utf-8", errors="replace")
        else:
            text = request.POST.get("credential", "")
        if not error:
            if not text.strip():
                error = "Paste a credential or choose a file."
            else:
                document, error = _parse_credential(text)
                if not error:
                    verdict = verify_credential(document)
    return render(request, "credentials/verify.html", {"verdict": verdict, "error": error, "text": text})


@csrf_exempt
@require_POST
def verify_api(request: CairnRequest) -> JsonResponse:
    """POST a credential as JSON; the verdict comes back as JSON (read-only, no sign-in)."""
    if len(request.body) > MAX_CREDENTIAL_BYTES:
        return JsonResponse({"error": "The credential is larger than 1 MB."}, status=413)
    document, error = _parse_credential(request.body.decode("utf-8", errors="replace"))
    if error:
        return JsonResponse({"error": error}, status=400)
    return JsonResponse(verify_credential(document).as_dict())


@login_required
@require_POST
def transcript(request: SignedInRequest) -> HttpResponse:
    """Download a signed CLR 2.0 transcript of every current credential (made now, audited)."""
    try:
        document = clr_issue(educator=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credentials:wallet")
    response = JsonResponse(document, content_type="application/ld+json")
    response["Content-Disposition"] = 'attachment; filename="cairn-transcript-clr.json"'
    return response


@login_required
@require_POST
def subject_did(request: SignedInRequest) -> HttpResponse:
    """The holder's DID for credentials issued from now on (empty clears it)."""
    try:
        user_did_set(user=request.user, did=request.POST.get("did", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Saved. Credentials you earn from now on name this DID as their holder.")
    return redirect("credentials:wallet")


@login_required
def wallet(request: SignedInRequest) -> HttpResponse:
    """My credentials: every award with its signed credential (or that it is being issued)."""
    awards = (
        Award.objects.filter(educator=request.user)
        .select_related("version", "micro_credential__issuer", "stack__issuer", "credential")
        .order_by("-awarded_at", "-id")
    )
    return render(request, "credentials/wallet.html", {"awards": awards})


@require_GET
def instance_did(request: CairnRequest) -> JsonResponse:
    response = JsonResponse(instance_did_document(public_url("/")), content_type="application/did+ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_list(request: CairnRequest, slug: str, number: int) -> JsonResponse:
    """The issuer's signed BitstringStatusListCredential (public; verifiers cache it briefly)."""
    found = StatusList.objects.filter(issuer__slug=slug, number=number).first()
    if found is None:
        raise Http404("No such status list.")
    response = JsonResponse(found.document, content_type="application/vc+ld+json")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _issued_awards(request: SignedInRequest) -> Any:
    issuers = issuers_authored_by(request.user)
    if not issuers.exists():
        raise Http404("You do not administer an issuer.")
    return Award.objects.filter(Q(micro_credential__issuer__in=issuers) | Q(stack__issuer__in=issuers))


@login_required
def issued(request: SignedInRequest) -> HttpResponse:
    """Issuer administrators: the awards their issuers made, newest first, with revocation."""
    awards = (
        _issued_awards(request)
        .select_related("version", "micro_credential__issuer", "stack__issuer", "educator", "credential")
        .order_by("-awarded_at", "-id")
    )
    page = Paginator(awards, settings.CAIRN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credentials/issued.html", {"page": page})


@login_required
@require_POST
def revoke(request: SignedInRequest, award_id: int) -> HttpResponse:
    award = get_object_or_404(_issued_awards(request), pk=award_id)
    try:
        award_revoke(actor=request.user, award=award, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Revoked “{award.title}” for {award.educator.email}.")
    return redirect("credentials:issued")


def _ob2_issuer_url(slug: str) -> str:
    return public_url(reverse("credentials:ob2_issuer", args=[slug]))


def _ob2_badge_url(award: Award) -> str:
    if award.stack:
        return public_url(reverse("credentials:ob2_stack_badge", args=[award.stack.slug]))
    return public_url(reverse("credentials:ob2_badge", args=[award.micro_credential.slug, award.version.number]))  # type: ignore[union-attr]


@require_GET
def ob2_issuer(request: CairnRequest, slug: str) -> JsonResponse:
    issuer = get_object_or_404(Organization, slug=slug, is_issuer=True)
    website = issuer.url or public_url(reverse("catalog:list") + f"?issuer={issuer.slug}")
    return JsonResponse(
        ob2.issuer_document(url=_ob2_issuer_url(slug), name=issuer.name, website=website, email=issuer.email),
        content_type="application/ld+json",
    )


@require_GET
def ob2_badge(request: CairnRequest, slug: str, number: int) -> JsonResponse:
    version = access_micro_credential_version(request.user, slug, number)
    if version.status == "draft":
        raise Http404("No such badge.")
    criteria_url = public_url(reverse("catalog:micro_credential", args=[slug]) + f"?version={number}")
    alignments = [
        {
            "targetName": item.title,
            "targetUrl": public_url(reverse("catalog:list") + f"?item={item.pk}"),
            "targetCode": item.code,
        }
        for item in version.alignments.all()
    ]
    narrative = "\n".join(f"{r.title}" for r in version.requirements.all())
    return JsonResponse(
        ob2.badge_class_document(
            url=public_url(reverse("credentials:ob2_badge", args=[slug, number])),
            name=version.title,
            description=version.competency,
            image_url=public_url(reverse("catalog:image", args=[slug, number])),
            criteria_url=criteria_url,
            criteria_narrative=narrative,
            issuer_url=_ob2_issuer_url(version.micro_credential.issuer.slug),
            alignments=alignments,
        ),
        content_type="application/ld+json",
    )


@require_GET
def ob2_stack_badge(request: CairnRequest, slug: str) -> JsonResponse:
    stack = access_stack(request.user, slug)
    if stack.status != CatalogStatus.PUBLISHED:
        raise Http404("No such badge.")
    titles = [
        item.micro_credential.current_version
        for item in stack.items.select_related("micro_credential__current_version")
    ]
    return JsonResponse(
        ob2.badge_class_document(
            url=public_url(reverse("credentials:ob2_stack_badge", args=[slug])),
            name=stack.title,
            description=stack.description or f"Every micro-credential of the {stack.title} stack.",
            image_url=public_url(reverse("catalog:stack_image", args=[slug])),
            criteria_url=public_url(reverse("catalog:stack", args=[slug])),
            criteria_narrative="\n".join(v.title for v in titles if v is not None),
            issuer_url=_ob2_issuer_url(stack.issuer.slug),
            alignments=[],
        ),
        content_type="application/ld+json",
    )


@require_GET
def ob2_assertion(request: CairnRequest, public_id: UUID) -> JsonResponse:
    """Hosted assertion of a public credential (private ones are 404, revoked ones 410)."""
    credential = access_credential(request, public_id)
    award = credential.award
    url = public_url(reverse("credentials:ob2_assertion", args=[public_id]))
    if award.revoked_at is not None:
        return JsonResponse(ob2.revoked_assertion(url=url, reason=award.revocation_reason), status=410)
    subject = credential.document["credentialSubject"]["identifier"][0]
    return JsonResponse(
        ob2.assertion_document(
            url=url,
            badge_url=_ob2_badge_url(award),
            identity_hash=subject["identityHash"],
            salt=credential.salt,
            issued_on=credential.document["validFrom"],
        ),
        content_type="application/ld+json",
    )


@require_GET
def baked_badge(request: CairnRequest, public_id: UUID) -> HttpResponse:
    """The badge as a PNG with the Open Badges 2.0 assertion URL baked in (for the holder, or
    anyone once it is public)."""
    credential = access_credential(request, public_id)
    award = credential.award
    image = baking.emblem_png(title=award.title, issuer_slug=award.issuer.slug)
    png = baking.bake(image, public_url(reverse("credentials:ob2_assertion", args=[public_id])))
    response = HttpResponse(png, content_type="image/png")
    slug = award.stack.slug if award.stack else award.micro_credential.slug  # type: ignore[union-attr]
    response["Content-Disposition"] = f'attachment; filename="badge-{slug}.png"'
    return response
