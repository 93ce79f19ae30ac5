"""The assessor's pages: dashboard, queue, claiming, scoring, deciding, releasing, and who gets 404."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cairn.accounts.models import Role, User
from cairn.accounts.services import membership_grant, user_create
from cairn.catalog.models import MicroCredential
from cairn.community.models import Notification, NotificationKind
from cairn.credentials.models import Award
from cairn.earning import services as earning
from cairn.earning.models import PursuitStatus, QueueStatus, Submission
from cairn.review import services as review_services
from cairn.review.models import CriterionScore, Review, ReviewStatus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EDUCATOR_NAME = "Zelda Quintero-Marsh"


@pytest.fixture
def pa_design(mini_catalog):
    return MicroCredential.objects.get(slug="pa-design")


@pytest.fixture
def named_educator(educator):
    """The educator with a name distinctive enough to search the assessor's pages for."""
    User.objects.filter(pk=educator.pk).update(full_name=EDUCATOR_NAME)
    educator.refresh_from_db()
    return educator


@pytest.fixture
def qualified(assessor, district_a):
    review_services.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    return assessor


@pytest.fixture
def other_assessor(district_a):
    person = user_create(email="other.assessor@a.test", password=None, full_name="Other Assessor", verified=True)
    membership_grant(actor=None, organization=district_a, user=person, role=Role.ASSESSOR)
    review_services.qualification_grant(actor=None, assessor=person, issuer=district_a)
    return person


def submit(educator, micro_credential, reflection="Students *explained* their thinking.", change_note=""):
    """Start (or reuse) the pursuit, fill both requirements, and submit the next attempt."""
    pursuit = earning.pursuit_start(educator=educator, micro_credential=micro_credential)
    task, reflection_req = pursuit.version.requirements.order_by("position")
    earning.artifact_upload(
        educator=educator,
        pursuit=pursuit,
        requirement=task,
        upload=SimpleUploadedFile("unit-task.pdf", PDF, content_type="application/pdf"),
    )
    earning.portfolio_save(educator=educator, pursuit=pursuit, requirement=reflection_req, text=reflection)
    return earning.submission_submit(
        educator=educator, pursuit=pursuit, privacy_confirmed=True, change_note=change_note
    )


def criterion_ids(review):
    return {s.criterion.key: s.criterion_id for s in review.scores.select_related("criterion")}


def form_data(review, levels, feedback=None, overall="Thank you for this work."):
    ids = criterion_ids(review)
    data = {"overall_comment": overall}
    for key, cid in ids.items():
        if levels.get(key) is not None:
            data[f"level_{cid}"] = str(levels[key])
        data[f"feedback_{cid}"] = (feedback or {}).get(key, "")
    return data


def levels_of(review):
    return {s.criterion.key: (s.level, s.feedback) for s in review.scores.select_related("criterion")}


def assert_blind(html, educator):
    assert educator.email not in html
    assert educator.full_name not in html
    assert "School A" not in html


@pytest.fixture
def claimed(client, named_educator, qualified, pa_design):
    """A submission claimed by the qualified assessor, who is signed in."""
    submit(named_educator, pa_design)
    client.force_login(qualified)
    return review_services.review_claim(assessor=qualified)


# ------------------------------------------------------------------ queue and dashboard


def test_the_queue_lists_waiting_submissions_oldest_first_with_code_and_no_educator_details(
    client, named_educator, qualified, pa_design, mini_catalog
):
    first = submit(named_educator, pa_design)
    second_educator = user_create(email="second@a.test", password=None, full_name="Second Person", verified=True)
    second = submit(second_educator, pa_design)
    Submission.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    client.force_login(qualified)

    response = client.get(reverse("review:queue"))

    assert response.status_code == 200
    assert [s.code for s in response.context["page"].object_list] == [first.code, second.code]
    html = response.content.decode()
    assert html.index(first.code) < html.index(second.code)
    assert "waiting 3\xa0days" in html
    assert "Performance Assessment Design" in html and "Claim the oldest" in html
    assert_blind(html, named_educator)
    assert "Second Person" not in html and "second@a.test" not in html


def test_an_htmx_page_of_the_queue_gets_only_the_results_partial(client, named_educator, qualified, pa_design):
    submit(named_educator, pa_design)
    client.force_login(qualified)
    response = client.get(reverse("review:queue"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    body = response.content.decode()
    assert "<html" not in body and "1 submission waiting" in body


def test_the_queue_pages_through_many_submissions(client, qualified, pa_design, settings):
    settings.CAIRN_PAGE_SIZE = 2
    for i in range(3):
        submit(user_create(email=f"e{i}@x.test", password=None), pa_design)
    client.force_login(qualified)
    first, second = client.get(reverse("review:queue")), client.get(reverse("review:queue"), {"page": 2})
    assert len(first.context["page"].object_list) == 2 and len(second.context["page"].object_list) == 1
    assert "page=2" in first.content.decode()


def test_claiming_through_the_page_opens_the_oldest_submission(client, named_educator, qualified, pa_design):
    submission = submit(named_educator, pa_design)
    client.force_login(qualified)

    response = client.post(reverse("review:claim"))

    review = Review.objects.get(submission=submission)
    assert (review.assessor, review.status) == (qualified, ReviewStatus.CLAIMED)
    assert response.status_code == 302 and response["Location"] == reverse("review:review", args=[review.pk])
    submission.refresh_from_db()
    assert submission.queue_status == QueueStatus.CLAIMED


def test_claiming_when_nothing_waits_says_so_and_creates_nothing(client, qualified, mini_catalog):
    client.force_login(qualified)
    response = client.post(reverse("review:claim"), {"from": "dashboard"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:dashboard")
    assert "Nothing is waiting for you to review right now." in response.content.decode()
    assert not Review.objects.exists()


def test_the_dashboard_shows_queue_size_claims_decisions_and_turnaround(
    client, named_educator, qualified, pa_design, other_assessor
):
    submit(named_educator, pa_design)
    review = review_services.review_claim(assessor=qualified)
    review_services.review_save(
        assessor=qualified,
        review=review,
        scores={cid: (1 if key == "alignment" else 2, "") for key, cid in criterion_ids(review).items()},
        overall_comment="",
    )
    review_services.review_finalize(assessor=qualified, review=review, confirmed_decision="earned")
    now = timezone.now()
    Review.objects.filter(pk=review.pk).update(claimed_at=now - timedelta(hours=6), finalized_at=now)
    Submission.objects.filter(pk=review.submission_id).update(submitted_at=now - timedelta(hours=30))
    second = submit(user_create(email="second@a.test", password=None), pa_design)
    open_review = review_services.review_claim(assessor=qualified)
    submit(user_create(email="third@a.test", password=None), pa_design)
    client.force_login(qualified)

    response = client.get(reverse("review:dashboard"))

    assert response.status_code == 200
    assert response.context["queue_size"] == 1
    assert [r.pk for r in response.context["claimed_page"].object_list] == [open_review.pk]
    assert [r.pk for r in response.context["finished_page"].object_list] == [review.pk]
    claim, wait = response.context["claim_to_decision"], response.context["submission_to_decision"]
    assert (claim.count, round(claim.mean_hours, 2), round(claim.median_hours, 2)) == (1, 6.0, 6.0)
    assert (round(wait.mean_hours, 2), round(wait.median_hours, 2)) == (30.0, 30.0)
    html = response.content.decode()
    assert second.code in html and review.submission.code in html and "Earned" in html
    assert "median 6.0 h" in html and "until" in html
    assert_blind(html, named_educator)


def _finalize_as(assessor, review, took_hours):
    review_services.review_save(
        assessor=assessor,
        review=review,
        scores={cid: (0, "Look again.") for cid in criterion_ids(review).values()},
        overall_comment="",
    )
    review_services.review_finalize(assessor=assessor, review=review, confirmed_decision="not_yet")
    now = timezone.now()
    Review.objects.filter(pk=review.pk).update(claimed_at=now - timedelta(hours=took_hours), finalized_at=now)


def test_turnaround_median_and_mean_are_computed_over_all_my_decisions(client, qualified, pa_design):
    for i, hours in enumerate((1, 2, 10, 3)):
        submit(user_create(email=f"e{i}@x.test", password=None), pa_design)
        _finalize_as(qualified, review_services.review_claim(assessor=qualified), hours)
    client.force_login(qualified)
    response = client.get(reverse("review:dashboard"))
    stats = response.context["claim_to_decision"]
    assert "median 2.5 h · mean 4.0 h" in response.content.decode()
    assert stats.count == 4
    assert round(stats.mean_hours, 2) == 4.0  # (1 + 2 + 10 + 3) / 4
    assert round(stats.median_hours, 2) == 2.5  # between 2 and 3


def test_the_dashboard_makes_the_same_number_of_queries_for_many_rows(client, qualified, pa_design):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("review:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(qualified)
    submit(user_create(email="e0@x.test", password=None), pa_design)
    _finalize_as(qualified, review_services.review_claim(assessor=qualified), 1)
    submit(user_create(email="open0@x.test", password=None), pa_design)
    review_services.review_claim(assessor=qualified)
    few = count_queries()
    for i in range(1, 6):
        submit(user_create(email=f"e{i}@x.test", password=None), pa_design)
        _finalize_as(qualified, review_services.review_claim(assessor=qualified), i)
        submit(user_create(email=f"open{i}@x.test", password=None), pa_design)
        review_services.review_claim(assessor=qualified)
    assert count_queries() == few


def test_a_qualified_person_without_the_assessor_role_sees_the_dashboard(client, coach, district_a, mini_catalog):
    review_services.qualification_grant(actor=None, assessor=coach, issuer=district_a)
    client.force_login(coach)
    assert client.get(reverse("review:dashboard")).status_code == 200
    assert client.get(reverse("review:queue")).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "educator", "coordinator_a", "coordinator_b", "coach"])
def test_people_who_do_not_assess_get_404_on_the_dashboard_queue_and_claim(client, request, who, mini_catalog):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("review:dashboard")).status_code == 404
    assert client.get(reverse("review:queue")).status_code == 404
    assert client.post(reverse("review:claim")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("review:dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# ------------------------------------------------------------------ the scoring page


def test_the_review_page_shows_the_frozen_evidence_the_rubric_and_no_educator_details(client, claimed, named_educator):
    response = client.get(reverse("review:review", args=[claimed.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert claimed.submission.code in html
    assert "Students <em>explained</em> their thinking." in html  # Markdown rendered
    assert "unit-task.pdf" in html
    artifact = claimed.submission.artifacts.get()
    assert f'href="{reverse("earning:artifact", args=[artifact.pk])}"' in html
    assert "Aligned to competencies" in html and "Insight into student learning" in html
    assert html.count('type="radio"') == 2 + 4  # one per level of each criterion
    assert "Passing level: <strong>Proficient</strong>" in html
    assert "(meets the criterion)" in html
    assert "Required when the level is below Proficient" in html
    assert "These scores give: <strong" in html and "Not yet" in html
    assert "Choose a level for “Aligned to competencies”." in html
    assert 'name="confirmed_decision" value="not_yet"' in html
    assert 'role="status"' in html and "<fieldset" in html and "<legend>" in html
    assert "Release back to queue" in html
    assert_blind(html, named_educator)


def test_an_htmx_autosave_updates_the_scores_and_shows_the_computed_decision(client, claimed):
    data = form_data(claimed, {"alignment": 1, "insight": 2}, {"insight": "Clear evidence."})

    response = client.post(reverse("review:save", args=[claimed.pk]), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "These scores give: <strong" in body and "Earned" in body
    assert 'id="save-status" hx-swap-oob="innerHTML"' in body and "Saved at" in body
    assert 'value="earned"' in body
    assert levels_of(claimed) == {"alignment": (1, ""), "insight": (2, "Clear evidence.")}
    claimed.refresh_from_db()
    assert claimed.overall_comment == "Thank you for this work."


def test_an_autosave_of_only_the_feedback_keeps_the_chosen_level(client, claimed):
    client.post(reverse("review:save", args=[claimed.pk]), form_data(claimed, {"insight": 1}), HTTP_HX_REQUEST="true")
    insight = criterion_ids(claimed)["insight"]
    client.post(reverse("review:save", args=[claimed.pk]), {f"feedback_{insight}": "Say more."}, HTTP_HX_REQUEST="true")
    assert levels_of(claimed)["insight"] == (1, "Say more.")


def test_the_save_button_without_javascript_saves_and_shows_the_decision(client, claimed):
    data = form_data(claimed, {"alignment": 0, "insight": 3}, {"alignment": "The task is not aligned yet."})

    response = client.post(reverse("review:save", args=[claimed.pk]), data, follow=True)

    assert response.redirect_chain[0][0] == reverse("review:review", args=[claimed.pk]) + "#decision"
    html = response.content.decode()
    assert "Draft saved." in html
    assert "These scores give: <strong" in html and "Submit decision: Not yet" in html
    assert levels_of(claimed)["alignment"] == (0, "The task is not aligned yet.")
    assert "checked" in html


def test_a_level_that_does_not_exist_is_refused_and_changes_nothing(client, claimed):
    insight = criterion_ids(claimed)["insight"]
    response = client.post(reverse("review:save", args=[claimed.pk]), {f"level_{insight}": "9"}, HTTP_HX_REQUEST="true")
    assert "Not saved" in response.content.decode()
    assert response["HX-Reswap"] == "none"
    assert levels_of(claimed)["insight"] == (None, "")
    plain = client.post(reverse("review:save", args=[claimed.pk]), {f"level_{insight}": "9"})
    assert plain.status_code == 400 and "Not saved" in plain.content.decode()


def test_finalizing_through_the_page_with_the_computed_decision_earns_it(client, claimed):
    data = form_data(claimed, {"alignment": 1, "insight": 2})
    client.post(reverse("review:save", args=[claimed.pk]), data, HTTP_HX_REQUEST="true")

    response = client.post(
        reverse("review:finalize", args=[claimed.pk]), {**data, "confirmed_decision": "earned"}, follow=True
    )

    pursuit = claimed.submission.pursuit
    pursuit.refresh_from_db()
    assert pursuit.status == PursuitStatus.EARNED
    assert Award.objects.filter(pursuit=pursuit).exists()
    html = response.content.decode()
    assert "Decision submitted: Earned" in html
    assert 'name="level_' not in html  # the finalized review is read-only
    assert "Claim the next submission" in html


def test_finalizing_through_the_page_with_not_yet_sets_the_pursuit_to_not_yet(client, claimed):
    data = form_data(claimed, {"alignment": 1, "insight": 1}, {"insight": "Quote what students said."})
    client.post(reverse("review:save", args=[claimed.pk]), data)

    client.post(reverse("review:finalize", args=[claimed.pk]), {"confirmed_decision": "not_yet"})

    pursuit = claimed.submission.pursuit
    pursuit.refresh_from_db()
    claimed.refresh_from_db()
    assert (pursuit.status, claimed.status, claimed.decision) == ("not_yet", "finalized", "not_yet")


def test_finalizing_with_missing_feedback_shows_the_problem_and_changes_nothing(client, claimed):
    data = form_data(claimed, {"alignment": 0, "insight": 3})
    client.post(reverse("review:save", args=[claimed.pk]), data)

    response = client.post(
        reverse("review:finalize", args=[claimed.pk]), {**data, "confirmed_decision": "not_yet"}, follow=True
    )

    assert "Write feedback for “Aligned to competencies”: it is not yet met." in response.content.decode()
    claimed.refresh_from_db()
    pursuit = claimed.submission.pursuit
    pursuit.refresh_from_db()
    assert (claimed.status, claimed.decision, pursuit.status) == ("claimed", "", "in_review")


def test_confirming_a_decision_the_scores_do_not_give_is_refused(client, claimed):
    data = form_data(claimed, {"alignment": 1, "insight": 2})
    client.post(reverse("review:save", args=[claimed.pk]), data)
    response = client.post(
        reverse("review:finalize", args=[claimed.pk]), {"confirmed_decision": "not_yet"}, follow=True
    )
    assert "different decision" in response.content.decode()
    claimed.refresh_from_db()
    assert claimed.status == ReviewStatus.CLAIMED


def test_submitting_with_unsaved_changes_saves_them_and_asks_to_confirm_again(client, claimed):
    client.post(reverse("review:save", args=[claimed.pk]), form_data(claimed, {"alignment": 1, "insight": 2}))
    changed = form_data(claimed, {"alignment": 1, "insight": 1}, {"insight": "Not yet proficient."})

    response = client.post(
        reverse("review:finalize", args=[claimed.pk]), {**changed, "confirmed_decision": "earned"}, follow=True
    )

    html = response.content.decode()
    assert "Your latest changes are saved. These scores give: Not yet." in html
    assert levels_of(claimed)["insight"] == (1, "Not yet proficient.")
    claimed.refresh_from_db()
    assert claimed.status == ReviewStatus.CLAIMED


def test_releasing_returns_the_submission_to_the_queue(client, claimed):
    response = client.post(reverse("review:release", args=[claimed.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("review:dashboard")
    claimed.refresh_from_db()
    claimed.submission.refresh_from_db()
    assert claimed.status == ReviewStatus.RELEASED
    assert claimed.submission.queue_status == QueueStatus.WAITING
    assert "went back to the queue" in response.content.decode()
    assert client.get(reverse("review:review", args=[claimed.pk])).status_code == 404


def test_an_expired_claims_page_says_so_and_offers_no_scoring_form(client, claimed):
    Review.objects.filter(pk=claimed.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    Submission.objects.filter(pk=claimed.submission_id).update(claim_expires_at=timezone.now() - timedelta(minutes=5))

    response = client.get(reverse("review:review", args=[claimed.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your claim on this submission has expired" in html
    assert 'name="level_' not in html and "Submit decision" not in html
    insight = criterion_ids(claimed)["insight"]
    saved = client.post(reverse("review:save", args=[claimed.pk]), {f"level_{insight}": "2"}, follow=True)
    assert "expired" in saved.content.decode()
    assert levels_of(claimed)["insight"] == (None, "")


def test_a_claim_taken_over_after_it_expired_is_no_longer_visible(client, claimed, other_assessor):
    Review.objects.filter(pk=claimed.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    Submission.objects.filter(pk=claimed.submission_id).update(claim_expires_at=timezone.now() - timedelta(minutes=5))
    review_services.review_claim(assessor=other_assessor)
    assert client.get(reverse("review:review", args=[claimed.pk])).status_code == 404


def test_a_resubmission_shows_the_change_note_and_earlier_feedback(client, named_educator, qualified, pa_design):
    submit(named_educator, pa_design)
    first = review_services.review_claim(assessor=qualified)
    ids = criterion_ids(first)
    review_services.review_save(
        assessor=qualified,
        review=first,
        scores={ids["alignment"]: (1, ""), ids["insight"]: (1, "Quote what students actually said.")},
        overall_comment="A promising start.",
    )
    review_services.review_finalize(assessor=qualified, review=first, confirmed_decision="not_yet")
    pursuit = first.submission.pursuit
    earning.pursuit_resubmit(educator=named_educator, pursuit=pursuit)
    submit(named_educator, pa_design, reflection="Now with quotes.", change_note="Added three student quotes.")
    second = review_services.review_claim(assessor=qualified)
    client.force_login(qualified)

    html = client.get(reverse("review:review", args=[second.pk])).content.decode()

    assert "Added three student quotes." in html
    assert "Earlier attempts" in html and "Attempt 1 — Not yet" in html
    assert "Quote what students actually said." in html and "A promising start." in html
    assert "Now with quotes." in html
    assert_blind(html, named_educator)


# ------------------------------------------------------------------ nobody else sees a review


@pytest.mark.parametrize("who", ["outsider", "coordinator_b", "other_assessor", "named_educator", "coordinator_a"])
def test_nobody_but_the_reviews_assessor_can_open_or_change_it(client, request, claimed, who):
    client.force_login(request.getfixturevalue(who))
    insight = criterion_ids(claimed)["insight"]
    assert client.get(reverse("review:review", args=[claimed.pk])).status_code == 404
    assert client.post(reverse("review:save", args=[claimed.pk]), {f"level_{insight}": "2"}).status_code == 404
    assert (
        client.post(reverse("review:finalize", args=[claimed.pk]), {"confirmed_decision": "not_yet"}).status_code == 404
    )
    assert client.post(reverse("review:release", args=[claimed.pk])).status_code == 404
    claimed.refresh_from_db()
    assert claimed.status == ReviewStatus.CLAIMED
    assert levels_of(claimed)["insight"] == (None, "")


def test_an_unknown_review_is_404(client, qualified):
    client.force_login(qualified)
    assert client.get(reverse("review:review", args=[999999])).status_code == 404


def test_the_review_pages_only_accept_post_for_changes(client, claimed):
    assert client.get(reverse("review:save", args=[claimed.pk])).status_code == 405
    assert client.get(reverse("review:finalize", args=[claimed.pk])).status_code == 405
    assert client.get(reverse("review:claim")).status_code == 405


# ------------------------------------------------------------------ reminders


def test_review_sweep_reminds_an_assessor_once_about_a_claim_ending_soon(claimed, qualified):
    Review.objects.filter(pk=claimed.pk).update(expires_at=timezone.now() + timedelta(hours=2))

    first, second = StringIO(), StringIO()
    call_command("review_sweep", stdout=first)
    call_command("review_sweep", stdout=second)

    assert "Sent 1 reminder" in first.getvalue()
    assert "Sent 0 reminders" in second.getvalue()
    reminders = Notification.objects.filter(recipient=qualified, kind=NotificationKind.CLAIM_EXPIRING)
    assert reminders.count() == 1
    assert reminders.get().url == reverse("review:review", args=[claimed.pk])


def test_scores_are_created_for_every_criterion_when_claimed(claimed):
    assert CriterionScore.objects.filter(review=claimed).count() == 2
