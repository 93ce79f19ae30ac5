from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from cairn.accounts.models import Organization
from cairn.core.http import CairnRequest
from cairn.credentials.keys import did_document


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
