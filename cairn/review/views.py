from django.http import HttpResponse

from cairn.core.http import SignedInRequest


def dashboard(request: SignedInRequest) -> HttpResponse:
    raise NotImplementedError


def review_detail(request: SignedInRequest, review_id: int) -> HttpResponse:
    raise NotImplementedError
