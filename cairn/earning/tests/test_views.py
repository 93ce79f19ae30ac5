"""The educator's pages: start, autosave, check, upload, submit, feedback, resubmit, earn,
withdraw, the dashboard, and who may open any of it."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Role
from cairn.catalog.models import EvidenceRequirement, MicroCredential, RequirementKind
from cairn.earning import services as earning
from cairn.earning.models import Artifact, PortfolioEntry, PursuitStatus
from cairn.review import services as review
from cairn.review.models import Review
from conftest import _person

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JSON = {"Accept": "application/json"}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def pa_design(mini_catalog):
    return MicroCredential.objects.get(slug="pa-design")


@pytest.fixture
def qualified(assessor, district_a):
    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    return assessor


@pytest.fixture
def pursuit(educator, pa_design):
    return earning.pursuit_start(educator=educator, micro_credential=pa_design)


@pytest.fixture
def other_educator(school_a):
    return _person("other.educator@a.test", school_a, Role.EDUCATOR)


def req(pursuit, key):
    return pursuit.version.requirements.get(key=key)


def entry(pursuit, key):
    return PortfolioEntry.objects.get(pursuit=pursuit, requirement__key=key)


def pursuit_url(pursuit):
    return reverse("earning:pursuit", args=[pursuit.pk])


def autosave(client, pursuit, requirement, base_revision, **fields):
    return client.post(
        reverse("earning:autosave", args=[pursuit.pk, requirement.pk]),
        {"base_revision": base_revision, **fields},
        headers=JSON,
    )


def upload(client, pursuit, requirement, name, data, htmx=True):
    return client.post(
        reverse("earning:upload", args=[pursuit.pk, requirement.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
        headers=HTMX if htmx else {},
    )


def fill(pursuit, educator, text="Students showed me what they understood."):
    earning.artifact_upload(
        educator=educator,
        pursuit=pursuit,
        requirement=req(pursuit, "task"),
        upload=SimpleUploadedFile("task.pdf", PDF, content_type="application/pdf"),
    )
    earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=req(pursuit, "reflection"), text=text)


def score_and_finalize(assessor, levels, feedback="Quote what students said.", comment="Thank you."):
    claimed = review.review_claim(assessor=assessor)
    scores = {s.criterion_id: (levels[s.criterion.key], feedback) for s in claimed.scores.select_related("criterion")}
    review.review_save(assessor=assessor, review=claimed, scores=scores, overall_comment=comment)
    review.review_finalize(assessor=assessor, review=claimed, confirmed_decision=review.review_decision(claimed))
    return claimed


def page(client, pursuit):
    response = client.get(pursuit_url(pursuit))
    assert response.status_code == 200
    return response.content.decode()


def evidence_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


# ------------------------------------------------------------------ the whole flow


def test_an_educator_goes_from_start_through_not_yet_and_resubmission_to_earned_through_the_pages(
    client, educator, qualified, pa_design
):
    client.force_login(educator)
    assert "Start this micro-credential" in client.get("/catalog/mc/pa-design/").content.decode()
    response = client.post(reverse("earning:start", args=["pa-design"]))
    pursuit = educator.pursuits.get()
    assert response.status_code == 302 and response["Location"] == pursuit_url(pursuit)
    assert "Continue" in client.get("/catalog/mc/pa-design/").content.decode()

    body = page(client, pursuit)
    for expected in (
        "Attempt</dt><dd>1 of 3",
        "What did students show you?",  # guiding question
        "up to 500 words",  # word limit
        "Insight into student learning",  # the rubric beside the editor
        "Proficient",
        "Protect your students",
        "Submit attempt 1",
        "Check what's missing",
    ):
        assert expected in body, expected

    # Autosave twice; each answer carries the revision it saved.
    reflection = req(pursuit, "reflection")
    first = autosave(client, pursuit, reflection, 0, text="First thoughts")
    assert first.status_code == 200 and first.json()["revision"] == 1
    assert first.json()["message"].startswith("Saved ")
    second = autosave(client, pursuit, reflection, 1, text="Students showed me what they understood.")
    assert second.json()["revision"] == 2

    # The check lists what is missing and uses no attempt.
    check = client.get(reverse("earning:check", args=[pursuit.pk]), headers=HTMX)
    assert check.status_code == 200
    assert "Upload at least one file." in check.content.decode()
    assert "1 requirement still needs work" in check.content.decode()
    refused = client.post(reverse("earning:submit", args=[pursuit.pk]), {"privacy": "on"})
    assert "Not ready to submit" in refused.content.decode()
    pursuit.refresh_from_db()
    assert (pursuit.status, pursuit.attempts_used) == (PursuitStatus.IN_PROGRESS, 0)

    quiet = client.get(reverse("earning:check", args=[pursuit.pk]), {"quiet": "1"}, headers=HTMX).content.decode()
    assert "still need" not in quiet  # only the out-of-band parts: the read-out summary stays as it was
    assert f'id="req-{reflection.pk}-state" hx-swap-oob="innerHTML"' in quiet and "Ready" in quiet

    uploaded = upload(client, pursuit, req(pursuit, "task"), "task.pdf", PDF)
    assert uploaded.status_code == 200 and "task.pdf" in uploaded.content.decode()
    check = client.get(reverse("earning:check", args=[pursuit.pk]), headers=HTMX)
    assert "Nothing is missing: you can submit attempt 1." in check.content.decode()

    no_privacy = client.post(reverse("earning:submit", args=[pursuit.pk]), {})
    assert "Confirm that student names and faces are removed" in no_privacy.content.decode()
    response = client.post(reverse("earning:submit", args=[pursuit.pk]), {"privacy": "on"}, follow=True)
    body = response.content.decode()
    assert "Attempt 1 is submitted." in body and "Waiting for an assessor" in body
    assert reverse("earning:submission", args=[pursuit.pk, 1]) in body

    # An assessor scores it: alignment met, insight not yet.
    score_and_finalize(qualified, {"alignment": 1, "insight": 1})
    body = page(client, pursuit)
    assert "Feedback on attempt 1" in body
    assert "Not yet met" in body and "Already met" in body
    assert "Your evidence showed “Developing”; this criterion needs “Proficient”." in body
    assert "Quote what students said." in body and "Thank you." in body
    assert "You have 2 attempts left." in body and "Resubmit: start attempt 2" in body

    response = client.post(reverse("earning:resubmit", args=[pursuit.pk]), follow=True)
    body = response.content.decode()
    assert "Attempt 2 is open." in body
    assert "Met in attempt 1" in body and "Not yet met in attempt 1" in body  # beside the editors
    assert "Students showed me what they understood." in body  # the evidence carried over
    assert "What I changed since my last attempt" in body

    revision = entry(pursuit, "reflection").revision
    assert autosave(client, pursuit, reflection, revision, text="Now with student quotes.").status_code == 200
    no_note = client.post(reverse("earning:submit", args=[pursuit.pk]), {"privacy": "on"})
    assert "Say briefly what you changed since your last attempt." in no_note.content.decode()
    client.post(reverse("earning:submit", args=[pursuit.pk]), {"privacy": "on", "change_note": "Added quotes."})
    pursuit.refresh_from_db()
    assert (pursuit.status, pursuit.attempts_used) == (PursuitStatus.SUBMITTED, 2)

    score_and_finalize(qualified, {"alignment": 1, "insight": 2}, feedback="")
    body = page(client, pursuit)
    assert "You earned this micro-credential" in body
    assert "Your credential is being issued." in body  # the signing task runs after commit
    from cairn.credentials.models import Award
    from cairn.credentials.services import award_issue_credential

    award_issue_credential(award_id=Award.objects.get(pursuit=pursuit).pk)
    assert "Download your credential (JSON)" in page(client, pursuit)

    dashboard = client.get(reverse("earning:dashboard")).content.decode()
    assert "Performance Assessment Design" in dashboard and "Earned" in dashboard


def test_a_pursuit_page_and_its_submission_show_a_waiting_attempt_read_only(client, educator, pursuit):
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    client.force_login(educator)
    body = page(client, pursuit)
    assert "data-autosave" not in body and "Submit attempt" not in body
    submission = client.get(reverse("earning:submission", args=[pursuit.pk, 1])).content.decode()
    assert "Attempt 1, as submitted" in submission and "task.pdf" in submission


# ------------------------------------------------------------------ start


def test_an_anonymous_visitor_is_asked_to_sign_in_to_start(client, mini_catalog):
    body = client.get("/catalog/mc/pa-design/").content.decode()
    assert "Sign in to start" in body and "next=/catalog/mc/pa-design/" in body
    assert "Start this micro-credential" not in body


def test_starting_without_the_prerequisite_says_what_to_earn_first(client, educator, mini_catalog):
    client.force_login(educator)
    response = client.post(reverse("earning:start", args=["rubric-design"]), follow=True)
    assert "Earn these first: Performance Assessment Design." in response.content.decode()
    assert not educator.pursuits.exists()


def test_starting_twice_continues_the_same_pursuit(client, educator, pursuit):
    client.force_login(educator)
    response = client.post(reverse("earning:start", args=["pa-design"]))
    assert response["Location"] == pursuit_url(pursuit)
    assert educator.pursuits.count() == 1


# ------------------------------------------------------------------ autosave


def test_an_autosave_based_on_an_old_revision_gets_409_and_changes_nothing(client, educator, pursuit):
    client.force_login(educator)
    reflection = req(pursuit, "reflection")
    assert autosave(client, pursuit, reflection, 0, text="Saved in this window").status_code == 200
    stale = autosave(client, pursuit, reflection, 0, text="Typed in an old window")
    assert stale.status_code == 409
    data = stale.json()
    assert data["conflict"] is True and data["revision"] == 1
    assert data["current"]["text"] == "Saved in this window"  # lets the page tell its own lost reply apart
    assert "changed in another window" in data["error"]
    assert entry(pursuit, "reflection").text == "Saved in this window"


def test_an_autosave_after_signing_out_gets_401_and_the_saved_text_is_there_after_signing_in(client, educator, pursuit):
    client.force_login(educator)
    reflection = req(pursuit, "reflection")
    autosave(client, pursuit, reflection, 0, text="Written before the session ended")
    client.logout()

    response = autosave(client, pursuit, reflection, 1, text="Typed while signed out")
    assert response.status_code == 401
    data = response.json()
    assert data["signed_out"] is True and "sign in again" in data["error"]
    assert data["login_url"] == f"/accounts/login/?next=%2Fearning%2Fpursuits%2F{pursuit.pk}%2F"
    assert entry(pursuit, "reflection").text == "Written before the session ended"
    assert entry(pursuit, "reflection").revision == 1

    client.force_login(educator)
    assert "Written before the session ended" in page(client, pursuit)
    # The page's editor still holds revision 1, so its retry of the kept text now succeeds.
    assert autosave(client, pursuit, reflection, 1, text="Typed while signed out").status_code == 200
    assert entry(pursuit, "reflection").text == "Typed while signed out"


def test_script_requests_after_signing_out_get_401_and_pages_redirect_to_sign_in(client, pursuit):
    check = client.get(reverse("earning:check", args=[pursuit.pk]), headers=HTMX)
    assert check.status_code == 401 and "You are signed out." in check.content.decode()
    uploaded = upload(client, pursuit, req(pursuit, "task"), "task.pdf", PDF)
    assert uploaded.status_code == 401 and not Artifact.objects.exists()
    response = client.get(pursuit_url(pursuit))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/earning/pursuits/{pursuit.pk}/"
    response = client.post(reverse("earning:submit", args=[pursuit.pk]), {"privacy": "on"})
    assert response["Location"] == f"/accounts/login/?next=/earning/pursuits/{pursuit.pk}/"


def test_an_autosave_of_text_leaves_the_link_alone_and_returns_the_word_count(client, educator, pursuit):
    client.force_login(educator)
    response = autosave(client, pursuit, req(pursuit, "reflection"), 0, text="  three  short words ")
    assert response.json()["words"] == 3
    assert entry(pursuit, "reflection").text == "  three  short words "  # kept exactly as typed


def test_an_autosave_on_a_submitted_portfolio_is_refused_and_changes_nothing(client, educator, pursuit):
    fill(pursuit, educator, text="As submitted")
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    client.force_login(educator)
    revision = entry(pursuit, "reflection").revision
    response = autosave(client, pursuit, req(pursuit, "reflection"), revision, text="Sneaky edit")
    assert response.status_code == 400 and "can no longer change" in response.json()["error"]
    assert entry(pursuit, "reflection").text == "As submitted"


def test_saving_without_a_script_returns_to_the_requirement_and_keeps_refused_text_on_the_page(
    client, educator, pursuit
):
    client.force_login(educator)
    reflection = req(pursuit, "reflection")
    url = reverse("earning:autosave", args=[pursuit.pk, reflection.pk])
    response = client.post(url, {"base_revision": 0, "text": "Saved with the button"})
    assert response.status_code == 302 and response["Location"].endswith(f"#req-{reflection.pk}")
    stale = client.post(url, {"base_revision": 0, "text": "Typed in an old tab"})
    body = stale.content.decode()
    assert "changed in another window" in body and "Typed in an old tab" in body
    assert entry(pursuit, "reflection").text == "Saved with the button"


@pytest.fixture
def link_pursuit(educator, mini_catalog):
    """A micro-credential whose one requirement is a link (the mini catalog has none)."""
    EvidenceRequirement.objects.filter(version__micro_credential__slug="pa-validation").update(
        kind=RequirementKind.LINK
    )
    return earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="pa-validation"))


def test_a_link_saves_its_address_and_title_and_refuses_anything_but_a_web_address(client, educator, link_pursuit):
    client.force_login(educator)
    requirement = req(link_pursuit, "protocol")
    assert 'type="url"' in page(client, link_pursuit)
    bad = autosave(client, link_pursuit, requirement, 0, link_url="javascript:alert(1)", link_title="Video")
    assert bad.status_code == 400 and "starts with https://" in bad.json()["error"]
    assert entry(link_pursuit, "protocol").link_url == ""
    good = autosave(client, link_pursuit, requirement, 0, link_url="https://video.example/v/1", link_title="Video")
    assert good.status_code == 200
    saved = entry(link_pursuit, "protocol")
    assert (saved.link_url, saved.link_title) == ("https://video.example/v/1", "Video")
    preview = client.get(reverse("earning:preview", args=[link_pursuit.pk])).content.decode()
    assert 'href="https://video.example/v/1"' in preview


def test_a_link_that_is_not_a_web_address_is_refused_and_never_shown_as_a_link(client, educator, link_pursuit):
    from cairn.core.errors import DomainError
    from cairn.earning.models import PortfolioEntry

    with pytest.raises(DomainError) as info:
        earning.portfolio_save(
            educator=educator,
            pursuit=link_pursuit,
            requirement=req(link_pursuit, "protocol"),
            link_url="javascript:x()",
        )
    assert info.value.field == "link_url"
    # Even a value stored some other way is shown as text only.
    PortfolioEntry.objects.filter(pursuit=link_pursuit).update(link_url="javascript:x()")
    client.force_login(educator)
    preview = client.get(reverse("earning:preview", args=[link_pursuit.pk])).content.decode()
    assert "javascript:x()" in preview and 'href="javascript:' not in preview


# ------------------------------------------------------------------ uploads


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


REFUSED = [
    ("lesson.pdf", b"MZ\x90\x00\x03" + b"\x00" * 300, "is EXE content, which cannot be evidence"),
    ("lessons.pdf", _zip(), "is ZIP content, which cannot be evidence"),
    (
        "diagram.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "contains web page or script content",
    ),
    ("notes.html", b"<!doctype html><html><body><script>alert(1)</script></body></html>", "web page or script"),
    ("empty.pdf", b"", "“empty.pdf” is empty."),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED, ids=["exe", "zip", "svg", "html", "empty"])
def test_a_refused_upload_says_why_next_to_the_input_and_saves_nothing(
    client, educator, pursuit, settings, name, data, message
):
    client.force_login(educator)
    response = upload(client, pursuit, req(pursuit, "task"), name, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Nothing was uploaded." in body
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert not Artifact.objects.exists()
    assert evidence_files(settings) == []


def test_an_upload_over_the_size_limit_is_refused(client, educator, pursuit, settings):
    settings.CAIRN_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(educator)
    big = PDF + b"0" * (1024 * 1024 + 512 * 1024)
    response = upload(client, pursuit, req(pursuit, "task"), "big.pdf", big)
    assert response.status_code == 400
    assert "“big.pdf” is 1.5 MB; the limit is 1.0 MB." in response.content.decode()
    assert not Artifact.objects.exists() and evidence_files(settings) == []


def _raw_multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = "cairnboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_file_name_made_only_of_path_parts_is_refused_with_a_message(client, educator, pursuit, settings):
    client.force_login(educator)
    body, content_type = _raw_multipart("..", PDF)
    url = reverse("earning:upload", args=[pursuit.pk, req(pursuit, "task").pk])
    response = client.post(url, body, content_type=content_type, headers=HTMX)
    assert response.status_code == 400 and "Choose a file to upload." in response.content.decode()
    assert not Artifact.objects.exists() and evidence_files(settings) == []


def test_folders_in_a_file_name_never_reach_storage(client, educator, pursuit, settings):
    """Django keeps only the last part of an uploaded file's name before any view sees it, so
    "../../x.pdf" arrives as "x.pdf"; the file is stored under a random name in the pursuit's
    own folder whatever it was called."""
    client.force_login(educator)
    body, content_type = _raw_multipart("../../../etc/cron.d/evil.pdf", PDF)
    url = reverse("earning:upload", args=[pursuit.pk, req(pursuit, "task").pk])
    client.post(url, body, content_type=content_type, headers=HTMX)
    artifact = Artifact.objects.get()
    assert artifact.original_name == "evil.pdf"
    assert artifact.file.name.startswith(f"evidence/{pursuit.pk}/") and ".." not in artifact.file.name
    assert all(Path(settings.MEDIA_ROOT) in p.parents for p in evidence_files(settings))


def test_a_refused_upload_without_a_script_shows_the_page_with_the_reason(client, educator, pursuit):
    client.force_login(educator)
    task = req(pursuit, "task")
    response = upload(client, pursuit, task, "tool.pdf", b"MZ\x90\x00" + b"\x00" * 300, htmx=False)
    assert response.status_code == 200
    assert f'id="file-{task.pk}-error"' in response.content.decode()
    assert "is EXE content" in response.content.decode()
    assert not Artifact.objects.exists()


def test_a_file_can_be_removed_from_the_portfolio(client, educator, pursuit):
    client.force_login(educator)
    upload(client, pursuit, req(pursuit, "task"), "task.pdf", PDF)
    artifact = Artifact.objects.get()
    response = client.post(reverse("earning:artifact_remove", args=[pursuit.pk, artifact.pk]), headers=HTMX)
    assert response.status_code == 200
    assert "Removed “task.pdf”." in response.content.decode() and "No files yet." in response.content.decode()
    artifact.refresh_from_db()
    assert artifact.removed_at is not None
    assert next(g.message for g in earning.completeness_gaps(pursuit)) == "Upload at least one file."


def test_the_owner_downloads_a_file_as_an_attachment_that_is_never_sniffed(client, educator, pursuit):
    client.force_login(educator)
    upload(client, pursuit, req(pursuit, "task"), "task.pdf", PDF)
    response = client.get(reverse("earning:artifact", args=[Artifact.objects.get().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="task.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


# ------------------------------------------------------------------ what the submission shows


def test_a_script_in_a_narrative_is_inert_on_the_submission_page(client, educator, pursuit):
    narrative = "<script>alert('stolen')</script> <img src=x onerror=alert(1)> and **bold** words"
    fill(pursuit, educator, text=narrative)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    client.force_login(educator)
    body = client.get(reverse("earning:submission", args=[pursuit.pk, 1])).content.decode()
    assert "<script>alert(" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert" in body  # shown as text
    assert "<strong>bold</strong>" in body
    assert "<script>alert(" not in page(client, pursuit)


def test_the_preview_shows_the_current_drafts_as_assessors_will_see_them(client, educator, pursuit):
    fill(pursuit, educator, text="A *draft* reflection")
    client.force_login(educator)
    body = client.get(reverse("earning:preview", args=[pursuit.pk])).content.decode()
    assert "<em>draft</em>" in body and "task.pdf" in body
    assert "They will not see your name" in body and educator.email not in body


# ------------------------------------------------------------------ after a decision


def test_after_the_last_not_yet_the_page_says_what_happens_next(client, educator, qualified, pa_design, settings):
    settings.CAIRN_ATTEMPT_LIMIT = 1
    pursuit = earning.pursuit_start(educator=educator, micro_credential=pa_design)
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    score_and_finalize(qualified, {"alignment": 0, "insight": 0})
    client.force_login(educator)
    body = page(client, pursuit)
    assert (
        "No attempts are left for this micro-credential. Talk to your coach or program coordinator about "
        "next steps; your portfolio stays here."
    ) in body
    assert "Resubmit" not in body
    response = client.post(reverse("earning:resubmit", args=[pursuit.pk]), follow=True)
    assert "No attempts are left" in response.content.decode()
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.NOT_YET


def test_withdrawing_needs_confirmation_and_keeps_the_pursuit_in_history(client, educator, pursuit):
    client.force_login(educator)
    assert (
        "Withdraw from “Performance Assessment Design”?"
        in client.get(reverse("earning:withdraw", args=[pursuit.pk])).content.decode()
    )
    unconfirmed = client.post(reverse("earning:withdraw", args=[pursuit.pk]), {})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.IN_PROGRESS

    response = client.post(reverse("earning:withdraw", args=[pursuit.pk]), {"confirm": "on"}, follow=True)
    assert "You withdrew from this micro-credential." in response.content.decode()
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.WITHDRAWN
    assert "Withdrawn" in client.get(reverse("earning:dashboard")).content.decode()
    assert "Start this micro-credential" in client.get("/catalog/mc/pa-design/").content.decode()


# ------------------------------------------------------------------ dashboard


def test_the_dashboard_lists_pursuits_with_attempts_left_and_what_to_do_next(
    client, educator, qualified, pursuit, mini_catalog
):
    earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug="pa-validation"))
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    score_and_finalize(qualified, {"alignment": 1, "insight": 0})
    client.force_login(educator)
    response = client.get(reverse("earning:dashboard"))
    body = response.content.decode()
    assert [p.version.title for p, _ in response.context["rows"]] == [
        "Performance Assessment Design",
        "Performance Assessment Validation",
    ]
    assert "Attempts used: 1 of 3" in body and "2 attempts left" in body
    assert "Read the feedback and resubmit (2 attempts left)." in body
    assert "Build your evidence for each requirement, then submit attempt 1." in body


def test_the_dashboard_pages_and_its_queries_do_not_grow_with_the_rows(client, educator, mini_catalog, settings):
    settings.CAIRN_PAGE_SIZE = 2
    client.force_login(educator)
    slugs = ["pa-design", "pa-validation", "leading-change"]
    earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug=slugs[0]))
    with CaptureQueriesContext(connection) as one_row:
        client.get(reverse("earning:dashboard"))
    for slug in slugs[1:]:
        earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug=slug))
    with CaptureQueriesContext(connection) as two_rows:
        first = client.get(reverse("earning:dashboard"))
    assert len(two_rows) == len(one_row)
    assert len(first.context["rows"]) == 2
    second = client.get(reverse("earning:dashboard"), {"page": 2})
    assert len(second.context["rows"]) == 1 and "Page 2 of 2" in second.content.decode()


def test_the_dashboard_shows_only_the_signed_in_persons_pursuits(client, other_educator, pursuit):
    client.force_login(other_educator)
    body = client.get(reverse("earning:dashboard")).content.decode()
    assert "Performance Assessment Design" not in body and "not pursuing any micro-credential yet" in body


# ------------------------------------------------------------------ who may open what


@pytest.fixture
def submitted(educator, pursuit):
    fill(pursuit, educator)
    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    pursuit.refresh_from_db()
    return pursuit


def _requests(pursuit):
    task, reflection = req(pursuit, "task"), req(pursuit, "reflection")
    artifact = Artifact.objects.get(pursuit=pursuit)
    pid = pursuit.pk
    return [
        ("get", reverse("earning:pursuit", args=[pid]), {}),
        ("get", reverse("earning:check", args=[pid]), {}),
        ("get", reverse("earning:preview", args=[pid]), {}),
        ("get", reverse("earning:submission", args=[pid, 1]), {}),
        ("get", reverse("earning:artifact", args=[artifact.pk]), {}),
        ("get", reverse("earning:withdraw", args=[pid]), {}),
        ("post", reverse("earning:withdraw", args=[pid]), {"confirm": "on"}),
        ("post", reverse("earning:autosave", args=[pid, reflection.pk]), {"base_revision": 1, "text": "x"}),
        ("post", reverse("earning:upload", args=[pid, task.pk]), {"file": SimpleUploadedFile("a.pdf", PDF)}),
        ("post", reverse("earning:artifact_remove", args=[pid, artifact.pk]), {}),
        ("post", reverse("earning:submit", args=[pid]), {"privacy": "on"}),
        ("post", reverse("earning:resubmit", args=[pid]), {}),
    ]


@pytest.mark.parametrize("who", ["outsider", "other_educator", "coordinator_a", "coordinator_b", "coach"])
def test_nobody_but_the_educator_can_open_or_change_a_portfolio(client, request, submitted, who):
    client.force_login(request.getfixturevalue(who))
    before = (submitted.status, entry(submitted, "reflection").text, Artifact.objects.count())
    for method, url, data in _requests(submitted):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        script = getattr(client, method)(url, data, headers={**JSON, **HTMX})
        assert script.status_code == 404, (method, url, "script", script.status_code)
    submitted.refresh_from_db()
    after = (submitted.status, entry(submitted, "reflection").text, Artifact.objects.count())
    assert after == before


def test_an_assessor_downloads_a_file_only_while_holding_a_review_of_a_submission_with_it(
    client, educator, qualified, submitted
):
    artifact = Artifact.objects.get()
    url = reverse("earning:artifact", args=[artifact.pk])
    client.force_login(qualified)
    assert client.get(url).status_code == 404  # no review yet

    claimed = review.review_claim(assessor=qualified)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")

    Review.objects.filter(pk=claimed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 404  # the claim ran out

    Review.objects.filter(pk=claimed.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    score_and_finalize_existing(qualified, claimed)
    assert client.get(url).status_code == 200  # a finalized review keeps access


def score_and_finalize_existing(assessor, claimed):
    scores = {s.criterion_id: (1 if s.criterion.key == "alignment" else 2, "") for s in claimed.scores.all()}
    review.review_save(assessor=assessor, review=claimed, scores=scores, overall_comment="")
    review.review_finalize(assessor=assessor, review=claimed, confirmed_decision="earned")


def test_an_assessor_reviewing_another_submission_cannot_download_this_file(
    client, educator, other_educator, qualified, submitted, pa_design
):
    # The other educator's submission is older, so the claim takes it.
    other = earning.pursuit_start(educator=other_educator, micro_credential=pa_design)
    fill(other, other_educator)
    earning.submission_submit(educator=other_educator, pursuit=other, privacy_confirmed=True)
    from cairn.earning.models import Submission

    Submission.objects.filter(pursuit=other).update(submitted_at=timezone.now() - timedelta(days=1))
    claimed = review.review_claim(assessor=qualified)
    assert claimed.submission.pursuit == other
    client.force_login(qualified)
    mine = Artifact.objects.get(pursuit=submitted)
    assert client.get(reverse("earning:artifact", args=[mine.pk])).status_code == 404
    theirs = Artifact.objects.get(pursuit=other)
    assert client.get(reverse("earning:artifact", args=[theirs.pk])).status_code == 200


def test_a_requirement_of_another_micro_credential_is_not_found(client, educator, pursuit, mini_catalog):
    client.force_login(educator)
    foreign = EvidenceRequirement.objects.get(version__micro_credential__slug="pa-validation")
    response = autosave(client, pursuit, foreign, 0, text="x")
    assert response.status_code == 404


def test_the_autosave_answer_is_json_the_page_can_read(client, educator, pursuit):
    client.force_login(educator)
    response = autosave(client, pursuit, req(pursuit, "reflection"), 0, text="hello")
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == {"revision", "saved_at", "message", "words"}
