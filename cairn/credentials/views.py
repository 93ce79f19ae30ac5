from uuid import UUID

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from cairn.accounts.models import Organization
from cairn.core.http import CairnRequest
from cairn.credentials.keys import did_document
from cairn.credentials.models import Credential


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
def credential_json(request: CairnRequest, public_id: UUID) -> JsonResponse:
    """The signed credential. Private by default: only its holder may download it until they
    choose to make it public (the wallet's sharing switch)."""
    credential = Credential.objects.select_related("award").filter(public_id=public_id).first()
    if credential is None or credential.award.educator_id != getattr(request.user, "pk", None):
        raise Http404("No such credential.")
    response = JsonResponse(credential.document, content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="credential-{public_id}.json"'
    return response
