from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cairn.catalog.selectors import CatalogFilters, catalog_search


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = catalog_search(CatalogFilters())[:6]
    return render(request, "core/home.html", {"featured": featured})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
