import pytest
from django.urls import reverse

from cairn.catalog import services
from cairn.catalog.models import FrameworkItem, MicroCredential, MicroCredentialVersion, VersionStatus


@pytest.fixture
def draft_only(author_a, district_a):
    """A micro-credential of issuer A that has never been published."""
    return services.micro_credential_create(
        actor=author_a, issuer=district_a, slug="secret-draft", content={"title": "Secret draft", "competency": "C"}
    )


def titles(response):
    return [v.title for v in response.context["page"].object_list]


# ------------------------------------------------------------------ public catalog


def test_the_catalog_lists_published_micro_credentials_only(client, mini_catalog, draft_only):
    response = client.get(reverse("catalog:list"))
    assert response.status_code == 200
    assert "Secret draft" not in titles(response)
    assert len(titles(response)) == 4


def test_search_matches_title_competency_and_outcomes(client, mini_catalog):
    assert titles(client.get("/catalog/", {"q": "rubric"})) == ["Competency-based Rubric Design"]
    assert titles(client.get("/catalog/", {"q": "colleague's"})) == ["Performance Assessment Validation"]
    assert titles(client.get("/catalog/", {"q": "success criteria"})) == ["Performance Assessment Design"]


def test_filters_combine_issuer_stack_framework_item_audience_and_pd_hours(client, mini_catalog):
    lf1 = FrameworkItem.objects.get(code="LF1")
    assert titles(client.get("/catalog/", {"item": lf1.id})) == ["Performance Assessment Design"]
    assert titles(client.get("/catalog/", {"issuer": "district-b"})) == ["Managing Change"]
    assert len(titles(client.get("/catalog/", {"stack": "basic-pa"}))) == 3
    assert titles(client.get("/catalog/", {"audience": "coaches"})) == ["Competency-based Rubric Design"]
    assert titles(client.get("/catalog/", {"pd_min": "12", "pd_max": "18"})) == ["Performance Assessment Validation"]
    assert titles(client.get("/catalog/", {"stack": "basic-pa", "audience": "teacher_leaders"})) == [
        "Performance Assessment Validation"
    ]


def test_nonsense_filter_values_are_ignored_rather_than_crashing(client, mini_catalog):
    response = client.get("/catalog/", {"pd_min": "lots", "item": "x", "audience": "<script>", "page": "99"})
    assert response.status_code == 200
    assert len(titles(response)) == 4


def test_the_catalog_pages_through_long_results(client, mini_catalog, settings):
    settings.CAIRN_CATALOG_PAGE_SIZE = 3
    first, second = client.get("/catalog/"), client.get("/catalog/", {"page": 2})
    assert len(titles(first)) == 3 and len(titles(second)) == 1
    assert "page=2" in first.content.decode()


def test_an_htmx_filter_request_gets_only_the_results_partial(client, mini_catalog):
    response = client.get("/catalog/", {"q": "rubric"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results")
    body = response.content.decode()
    assert "Competency-based Rubric Design" in body and "<html" not in body


def test_the_micro_credential_page_shows_rubric_requirements_effort_and_membership(client, mini_catalog):
    body = client.get(reverse("catalog:micro_credential", args=["rubric-design"])).content.decode()
    for expected in (
        "Competency-based Rubric Design",
        "Levels describe growth",
        "Student-friendly language",
        "passing level: Demonstrated",
        "At least 1 criteria",
        "Performance Assessment Design",  # prerequisite
        "Basic Performance Assessment",  # stack
        "Assessment Leader",  # pathway (through the stack)
        "LF2.a",
    ):
        assert expected in body, expected


def test_sample_content_is_labelled_as_such(client, mini_catalog):
    assert "Sample content" in client.get("/catalog/mc/leading-change/").content.decode()
    assert "Sample content" not in client.get("/catalog/mc/pa-design/").content.decode()


def test_every_version_stays_viewable_after_a_new_one_is_published(client, mini_catalog, author_a):
    mc = MicroCredential.objects.get(slug="pa-design")
    draft = services.version_draft_open(actor=author_a, micro_credential=mc)
    services.version_update(actor=author_a, version=draft, content={"title": "PA Design v2"})
    services.version_publish(actor=author_a, version=draft)
    assert "PA Design v2" in client.get("/catalog/mc/pa-design/").content.decode()
    old = client.get("/catalog/mc/pa-design/", {"version": 1}).content.decode()
    assert "Performance Assessment Design" in old and "superseded" in old


def test_the_generated_badge_image_is_an_svg_emblem(client, mini_catalog):
    response = client.get(reverse("catalog:image", args=["pa-design", 1]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_stack_and_pathway_pages_show_their_contents(client, mini_catalog):
    stack = client.get(reverse("catalog:stack", args=["basic-pa"])).content.decode()
    assert "Performance Assessment Validation" in stack
    assert "not been published yet" in client.get(reverse("catalog:stack", args=["visionary"])).content.decode()
    pathway = client.get(reverse("catalog:pathway", args=["pa-leader"])).content.decode()
    assert "Prerequisite" in pathway and "Complete 1 of 2" in pathway and "Three administrators" in pathway
    assert "Basic Performance Assessment" in client.get(reverse("catalog:stacks")).content.decode()
    assert "Assessment Leader" in client.get(reverse("catalog:pathways")).content.decode()


def test_a_signed_in_educator_sees_their_progress_on_stack_and_pathway_pages(client, mini_catalog, educator):
    client.force_login(educator)
    assert "0 of 3 earned" in client.get(reverse("catalog:stack", args=["basic-pa"])).content.decode()
    assert "You have earned" in client.get(reverse("catalog:pathway", args=["pa-leader"])).content.decode()


# ------------------------------------------------------------------ outsiders and drafts


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/mc/secret-draft/",
        "/catalog/mc/secret-draft/?version=1",
        "/catalog/mc/secret-draft/v1/image",
        "/catalog/mc/no-such-thing/",
        "/catalog/stacks/no-such-stack/",
        "/catalog/pathways/no-such-pathway/",
    ],
)
def test_an_outsider_gets_404_for_drafts_and_unknown_catalog_entries(client, outsider, draft_only, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_issuers_author_can_preview_the_draft(client, author_a, draft_only):
    client.force_login(author_a)
    body = client.get("/catalog/mc/secret-draft/").content.decode()
    assert "Preview of draft version 1" in body


def test_an_author_of_another_issuer_cannot_see_the_draft(client, author_b, draft_only):
    client.force_login(author_b)
    assert client.get("/catalog/mc/secret-draft/").status_code == 404


AUTHOR_URLS_GET = [
    "/author/",
    "/author/mc/new/",
    "/author/stacks/new/",
    "/author/pathways/new/",
]


@pytest.mark.parametrize("url", AUTHOR_URLS_GET)
def test_an_outsider_gets_404_on_authoring_pages(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_authoring(client):
    response = client.get("/author/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/author/mc/secret-draft/"),
        ("get", "/author/mc/secret-draft/requirements/new/"),
        ("post", "/author/mc/secret-draft/publish/"),
        ("post", "/author/mc/secret-draft/draft/"),
        ("post", "/author/mc/secret-draft/retire/"),
    ],
)
def test_an_author_of_another_issuer_gets_404_on_a_draft_only_micro_credential(
    client, author_b, draft_only, method, url
):
    client.force_login(author_b)
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/author/mc/pa-design/"),
        ("post", "/author/mc/pa-design/draft/"),
        ("post", "/author/mc/pa-design/publish/"),
        ("post", "/author/mc/pa-design/retire/"),
        ("get", "/author/stacks/basic-pa/"),
        ("get", "/author/pathways/pa-leader/"),
    ],
)
def test_an_author_of_issuer_b_cannot_edit_issuer_as_published_catalog(client, author_b, mini_catalog, method, url):
    client.force_login(author_b)
    assert getattr(client, method)(url).status_code == 403
    assert MicroCredentialVersion.objects.filter(micro_credential__slug="pa-design").count() == 1


def test_requirement_and_criterion_pages_of_another_issuer_are_hidden(client, author_a, author_b, draft_only):
    requirement = services.requirement_save(
        actor=author_a, version=draft_only, data={"key": "e", "kind": "link", "title": "E"}
    )
    client.force_login(author_b)
    for url in (
        f"/author/mc/secret-draft/requirements/{requirement.id}/",
        f"/author/mc/secret-draft/requirements/{requirement.id}/criteria/new/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/author/mc/secret-draft/requirements/{requirement.id}/delete/").status_code == 404


# ------------------------------------------------------------------ authoring through pages


def test_an_author_writes_and_publishes_a_micro_credential_through_the_forms(client, author_a, district_a):
    client.force_login(author_a)
    response = client.post(
        "/author/mc/new/",
        {"issuer": district_a.id, "slug": "coaching-cycles", "title": "Coaching Cycles", "competency": "Runs cycles."},
    )
    assert response.status_code == 302
    response = client.post(
        "/author/mc/coaching-cycles/requirements/new/",
        {"key": "log", "kind": "written", "title": "Coaching log", "word_limit": "800", "required": "on"},
    )
    assert response.status_code == 302
    version = MicroCredentialVersion.objects.get(micro_credential__slug="coaching-cycles")
    requirement = version.requirements.get()
    bad = client.post(
        f"/author/mc/coaching-cycles/requirements/{requirement.id}/criteria/new/",
        {"key": "evidence", "title": "Evidence", "levels": "Not yet: x\nDemonstrated: y", "required_level": "Great"},
    )
    assert "Passing level: Name one of the levels: Not yet, Demonstrated." in bad.content.decode()
    client.post(
        f"/author/mc/coaching-cycles/requirements/{requirement.id}/criteria/new/",
        {
            "key": "evidence",
            "title": "Evidence",
            "levels": "Not yet: x\nDemonstrated: y",
            "required_level": "Demonstrated",
        },
    )
    assert requirement.criteria.get().required_level == 1
    response = client.post("/author/mc/coaching-cycles/publish/")
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert "Coaching Cycles" in client.get("/catalog/", {"q": "coaching"}).content.decode()


def test_the_edit_form_names_the_field_that_is_wrong_and_saves_nothing(client, author_a, draft_only):
    client.force_login(author_a)
    response = client.post(
        "/author/mc/secret-draft/",
        {"title": "", "competency": "C", "pd_hours": "-3", "estimated_hours": "1", "pass_rule": "n_of_m"},
    )
    body = response.content.decode()
    assert "Title: This field is required." in body
    assert "PD value (hours): Ensure this value is greater than or equal to 0." in body
    assert "Give N for an N-of-M pass rule." in body
    draft_only.refresh_from_db()
    assert draft_only.title == "Secret draft"


def test_publishing_an_incomplete_draft_explains_what_is_missing(client, author_a, draft_only):
    client.force_login(author_a)
    response = client.post("/author/mc/secret-draft/publish/", follow=True)
    assert "Add at least one evidence requirement." in response.content.decode()
    draft_only.refresh_from_db()
    assert draft_only.status == VersionStatus.DRAFT


def test_editing_a_published_micro_credential_starts_a_draft_and_leaves_the_published_one(
    client, author_a, mini_catalog
):
    client.force_login(author_a)
    assert "Start a new draft" in client.get("/author/mc/pa-design/").content.decode()
    client.post("/author/mc/pa-design/draft/")
    form = client.get("/author/mc/pa-design/").context["form"]
    data = {k: v for k, v in form.initial.items() if k not in ("alignments", "prerequisites", "audience")}
    data.update(title="Design, second edition", resources="", audience=["teachers"], pass_rule="all")
    for key in ("method_components", "essential_outcomes", "grade_bands", "subjects"):
        data[key] = "\n".join(data[key])
    response = client.post("/author/mc/pa-design/", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.context["form"].errors
    assert "Performance Assessment Design" in client.get("/catalog/mc/pa-design/").content.decode()
    client.post("/author/mc/pa-design/publish/")
    assert "Design, second edition" in client.get("/catalog/mc/pa-design/").content.decode()


def test_an_author_creates_a_stack_and_a_pathway_from_keys(client, author_a, mini_catalog, district_a):
    client.force_login(author_a)
    response = client.post(
        "/author/stacks/new/",
        {
            "issuer": district_a.id,
            "slug": "design-pair",
            "title": "Design Pair",
            "status": "published",
            "micro_credentials": "rubric-design\npa-design",
        },
    )
    assert response.status_code == 302
    assert "Design Pair" in client.get("/catalog/stacks/design-pair/").content.decode()
    bad = client.post(
        "/author/pathways/new/",
        {"issuer": district_a.id, "slug": "p", "title": "P", "status": "published", "steps": "Start | | ghost"},
    )
    assert "unknown micro-credential “ghost”" in bad.content.decode()
    response = client.post(
        "/author/pathways/new/",
        {
            "issuer": district_a.id,
            "slug": "p",
            "title": "Route",
            "status": "published",
            "min_count": "2",
            "steps": "!Entry | | pa-design\nChoose | 1 | rubric-design, stack:design-pair",
        },
    )
    assert response.status_code == 302
    page = client.get("/catalog/pathways/p/").content.decode()
    assert "Complete 1 of 2" in page and "Design Pair" in page


def test_an_author_discards_a_draft_from_the_edit_page(client, author_a, mini_catalog):
    client.force_login(author_a)
    client.post("/author/mc/pa-design/draft/")
    response = client.post("/author/mc/pa-design/discard/", follow=True)
    assert "Draft version 2 discarded." in response.content.decode()
    assert MicroCredentialVersion.objects.filter(micro_credential__slug="pa-design").count() == 1


def test_an_author_of_another_issuer_cannot_discard_a_draft(client, author_b, draft_only):
    client.force_login(author_b)
    assert client.post("/author/mc/secret-draft/discard/").status_code == 404
    assert MicroCredentialVersion.objects.filter(pk=draft_only.pk).exists()


def test_an_author_uploads_a_badge_image_that_replaces_the_drawn_emblem(client, author_a, draft_only):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, "PNG")
    client.force_login(author_a)
    data = {"title": "Secret draft", "competency": "C", "pd_hours": "1", "estimated_hours": "1", "pass_rule": "all"}
    data["image"] = SimpleUploadedFile("badge.png", buffer.getvalue(), content_type="image/png")
    assert client.post("/author/mc/secret-draft/", data).status_code == 302
    response = client.get("/catalog/mc/secret-draft/v1/image")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_uploaded_file_that_is_not_an_image_is_refused(client, author_a, draft_only):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(author_a)
    data = {"title": "Secret draft", "competency": "C", "pd_hours": "1", "estimated_hours": "1", "pass_rule": "all"}
    data["image"] = SimpleUploadedFile("badge.png", b"<svg onload=alert(1)>", content_type="image/png")
    body = client.post("/author/mc/secret-draft/", data).content.decode()
    assert "Image: Upload a valid image." in body


def test_saving_a_pathway_unchanged_through_the_form_keeps_every_step_and_description(client, author_a, mini_catalog):
    from cairn.catalog.interchange import pathway_entry
    from cairn.catalog.models import Pathway, PathwayStep

    PathwayStep.objects.filter(pathway__slug="pa-leader", position=1).update(description="Start here | carefully.")
    before = pathway_entry(Pathway.objects.get(slug="pa-leader"))
    client.force_login(author_a)
    form = client.get("/author/pathways/pa-leader/").context["form"]
    data = {name: form[name].value() for name in form.fields if name != "slug"}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    response = client.post("/author/pathways/pa-leader/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert pathway_entry(Pathway.objects.get(slug="pa-leader")) == before


def test_progress_on_stack_and_pathway_pages_counts_the_educators_awards(client, mini_catalog, educator, assessor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cairn.accounts.models import Organization
    from cairn.earning import services as earning
    from cairn.review import services as review

    review.qualification_grant(actor=None, assessor=assessor, issuer=Organization.objects.get(slug="district-a"))
    pursuit = earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="pa-design"))
    task, reflection = pursuit.version.requirements.order_by("position")
    pdf = SimpleUploadedFile("task.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    earning.artifact_upload(educator=educator, pursuit=pursuit, requirement=task, upload=pdf)
    earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=reflection, text="What I saw.")
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    claimed = review.review_claim(assessor=assessor)
    scores = {s.criterion_id: (s.criterion.required_level, "") for s in claimed.scores.select_related("criterion")}
    review.review_save(assessor=assessor, review=claimed, scores=scores, overall_comment="")
    review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")

    client.force_login(educator)
    assert "1 of 3 earned" in client.get(reverse("catalog:stack", args=["basic-pa"])).content.decode()
    pathway = client.get(reverse("catalog:pathway", args=["pa-leader"]))
    progress = pathway.context["progress"]
    assert progress.steps[0].done and progress.steps[1].is_open and progress.distinct_earned == 1
