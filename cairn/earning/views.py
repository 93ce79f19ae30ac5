from django.http import HttpResponse

from cairn.core.http import SignedInRequest


def dashboard(request: SignedInRequest) -> HttpResponse:
    raise NotImplementedError


def pursuit_detail(request: SignedInRequest, pursuit_id: int) -> HttpResponse:
    raise NotImplementedError
