import io

from django.core.management import call_command
from django.test import override_settings

from cairn.accounts.models import Membership, Organization, Role, User
from cairn.catalog.models import MicroCredential


def test_the_start_page_and_health_check_answer(client, mini_catalog):
    assert "Performance Assessment Design" in client.get("/").content.decode()
    assert client.get("/health/").json() == {"status": "ok"}


def test_an_unknown_page_gets_the_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_navigation_shows_authoring_only_to_authors(client, mini_catalog, educator, author_a):
    client.force_login(educator)
    assert "Authoring" not in client.get("/catalog/").content.decode()
    client.force_login(author_a)
    assert "Authoring" in client.get("/catalog/").content.decode()


def test_pages_have_landmarks_a_skip_link_and_labelled_filters(client, mini_catalog):
    body = client.get("/catalog/").content.decode()
    for expected in ('<main id="main"', 'href="#main"', 'aria-label="Main"', '<label for="id_q">', 'lang="en"'):
        assert expected in body, expected


@override_settings(DEBUG=False)
def test_a_server_error_shows_the_friendly_500_page(client, db, monkeypatch):
    from cairn.core import views

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "catalog_search", boom)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Nothing you saved has been lost" in response.content.decode()


def test_the_demo_loads_once_and_running_it_again_changes_nothing(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "cairn-demo-2026" in out.getvalue()
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        MicroCredential.objects.count(),
    )
    call_command("demo", stdout=io.StringIO())
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Organization.objects.count(),
        MicroCredential.objects.count(),
    )
    districts = Organization.objects.filter(slug__in=["demo-lowcountry", "demo-upstate"])
    assert districts.count() == 2
    for district in districts:
        assert district.children.count() == 2
        held = set(
            Membership.objects.filter(organization__in=[district, *district.children.all()]).values_list(
                "role", flat=True
            )
        )
        assert held == set(Role.values)
