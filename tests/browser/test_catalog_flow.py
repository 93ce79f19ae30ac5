"""The catalog in a real browser: a visitor finds a micro-credential by standard and reads its rubric;
an issuer author writes, validates and publishes one that visitors can then find."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import PHONE, Browsing
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rubric(page: Page, criterion: str) -> Any:
    # Each rubric table is named by the paragraph above it (criterion title and passing level).
    return page.get_by_role("table", name=re.compile(re.escape(criterion)))


def _fact(page: Page, term: str) -> Any:
    return page.locator("dl.facts > div").filter(has=page.locator("dt", has_text=term)).locator("dd")


def _assert_styled_and_scripted(page: Page) -> None:
    """The stylesheet and htmx were served (WhiteNoise through the live server) and applied."""
    assert page.evaluate("() => [...document.styleSheets].some(s => s.href && s.cssRules.length > 0)")
    assert page.evaluate("() => typeof window.htmx === 'object'")


def test_a_visitor_filters_the_catalog_by_a_standard_and_reads_the_rubric_and_pd_hours(
    mini_catalog: None, browsing: Browsing
) -> None:
    page = browsing.new_page()
    page.goto("/catalog/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Micro-credential catalog")
    _assert_styled_and_scripted(page)
    results = page.locator("#catalog-results")
    cards = results.locator(".mc-card")
    expect(cards).to_have_count(4)
    expect(results.locator("p.muted").first).to_have_text("4 micro-credentials")
    browsing.screenshot(page, "catalog-list")

    # A marker on window survives only if the page is not reloaded: htmx swaps the results in place.
    page.evaluate("() => { window.__sameDocument = true; }")
    option = page.locator("#id_item option", has_text="LF1 — Learning Communities")
    item_id = option.get_attribute("value")
    assert item_id and item_id.isdigit()
    with page.expect_response(
        lambda r: f"item={item_id}" in r.url and r.request.headers.get("hx-request") == "true"
    ) as response_info:
        page.get_by_label("Framework item").select_option(label="LF1 — Learning Communities")
    assert response_info.value.ok

    expect(cards).to_have_count(1)
    expect(results.locator("p.muted").first).to_have_text("1 micro-credential")
    expect(cards.get_by_role("link")).to_have_text(["Performance Assessment Design"])
    expect(page).to_have_url(re.compile(rf"/catalog/\?(.*&)?item={item_id}(&|$)"))
    assert page.evaluate("() => window.__sameDocument === true"), "filtering reloaded the page"
    expect(page.get_by_label("Framework item")).to_have_value(item_id)
    browsing.screenshot(page, "catalog-filtered-by-standard")

    cards.get_by_role("link", name="Performance Assessment Design").click()
    expect(page).to_have_url(re.compile(r"/catalog/mc/pa-design/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance Assessment Design")
    _assert_styled_and_scripted(page)
    expect(_fact(page, "PD value")).to_have_text("10 hours")
    expect(_fact(page, "Estimated effort")).to_have_text("about 12.50 hours")

    aligned = _rubric(page, "Aligned to competencies")
    expect(aligned).to_have_accessible_name(re.compile(r"\(passing level: Demonstrated\)"))
    expect(aligned.locator("thead th")).to_contain_text(["Not yet", "Demonstrated"])
    expect(aligned.locator("td.meets")).to_have_count(1)
    insight = _rubric(page, "Insight into student learning")
    expect(insight).to_have_accessible_name(re.compile(r"\(passing level: Proficient\)"))
    expect(insight.locator("thead th")).to_contain_text(["Not yet", "Developing", "Proficient", "Exemplary"])
    expect(insight.locator("td.meets")).to_have_count(2)
    expect(page.get_by_role("link", name="Learning Forward Standards LF1")).to_be_visible()
    browsing.screenshot(page, "mc-page")

    assert browsing.problems == []


def test_an_issuer_author_writes_and_publishes_a_micro_credential_that_visitors_then_find(
    mini_catalog: None, author_a: Any, browsing: Browsing
) -> None:
    page = browsing.new_page()

    # Sign in through allauth's real login page.
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(author_a.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Authoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Authoring")
    page.get_by_role("link", name="New micro-credential").click()

    # A new draft.
    expect(page.get_by_label("Issuer")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Issuer").select_option(label="District A")
    page.get_by_label("Key").fill("family-conferences")
    page.get_by_label("Title").fill("Student-led Family Conferences")
    page.get_by_label("Competency statement").fill(
        "The educator prepares students to lead conferences with their families."
    )
    page.get_by_role("button", name="Create draft").click()
    expect(page).to_have_url(re.compile(r"/author/mc/family-conferences/$"))
    expect(page.get_by_role("status")).to_contain_text("Draft created.")
    expect(page.get_by_text("Add at least one evidence requirement.")).to_be_visible()

    # An evidence requirement.
    page.get_by_role("link", name="Add evidence requirement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New evidence requirement")
    page.get_by_label("Key").fill("conference-plan")
    page.get_by_label("Kind").select_option(label="Written response to guiding questions")
    page.get_by_label("Title").fill("Conference plan")
    page.get_by_label("Instructions").fill("Describe how students will prepare and lead the conference.")
    page.get_by_role("button", name="Save requirement").click()
    requirement = page.locator("#requirements .requirement").filter(has_text="Conference plan")
    expect(requirement).to_contain_text("No criteria yet.")
    expect(page.get_by_text("Add at least one rubric criterion")).to_be_visible()

    # A rubric criterion: a passing level that is not one of the levels is refused, naming the field.
    requirement.get_by_role("link", name="Add criterion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New rubric criterion")
    levels_text = "Not yet: The plan leaves students as spectators.\nDemonstrated: Students lead every part."
    page.get_by_label("Key").fill("student-voice")
    page.get_by_label("Title").fill("Student voice")
    page.get_by_label("Levels").fill(levels_text)
    page.get_by_label("Passing level").fill("Proficient")
    page.get_by_role("button", name="Save criterion").click()
    expect(page.locator(".error-summary")).to_have_text("Please correct the fields marked below.")
    passing = page.locator(".field.has-error")
    expect(passing).to_have_count(1)
    expect(passing.locator("label")).to_contain_text("Passing level")
    expect(passing.locator(".error")).to_have_text("Passing level: Name one of the levels: Not yet, Demonstrated.")
    expect(page.get_by_label("Levels")).to_have_value(levels_text)
    browsing.screenshot(page, "author-criterion-error")

    page.get_by_label("Passing level").fill("Demonstrated")
    page.get_by_role("button", name="Save criterion").click()
    expect(page).to_have_url(re.compile(r"/author/mc/family-conferences/#requirements$"))
    expect(requirement.get_by_role("listitem").first).to_contain_text(
        "Student voice — passing level “Demonstrated” of 2"
    )
    expect(page.get_by_text("This draft is ready to publish.")).to_be_visible()
    browsing.screenshot(page, "author-edit")

    # Publish.
    page.get_by_role("button", name="Publish version 1").click()
    expect(page).to_have_url(re.compile(r"/catalog/mc/family-conferences/$"))
    expect(page.get_by_role("status")).to_contain_text("Version 1 is published.")

    # A logged-out visitor (a fresh browser context) finds it by searching the catalog.
    visitor = browsing.new_page()
    visitor.goto("/catalog/")
    expect(visitor.get_by_role("link", name="Sign in")).to_be_visible()
    expect(visitor.locator("#catalog-results .mc-card")).to_have_count(5)
    visitor.get_by_label("Search", exact=True).press_sequentially("family conferences")
    cards = visitor.locator("#catalog-results .mc-card")
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("link")).to_have_text(["Student-led Family Conferences"])
    expect(cards).to_contain_text("District A")
    expect(visitor).to_have_url(re.compile(r"[?&]q=family(\+|%20)conferences"))
    cards.get_by_role("link", name="Student-led Family Conferences").click()
    rubric = _rubric(visitor, "Student voice")
    expect(rubric.locator("thead th")).to_contain_text(["Not yet", "Demonstrated"])
    expect(rubric.locator("td.meets")).to_have_text(["Students lead every part."])
    expect(visitor.get_by_role("link", name="Edit")).to_have_count(0)

    assert browsing.problems == []


def test_the_catalog_and_a_micro_credential_fit_a_phone_screen(mini_catalog: None, browsing: Browsing) -> None:
    page = browsing.new_page(viewport=PHONE)
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

    page.goto("/catalog/")
    expect(page.locator("#catalog-results .mc-card")).to_have_count(4)
    browsing.screenshot(page, "catalog-phone")
    browsing.screenshot(page, "catalog-phone-viewport", full_page=False)
    assert page.evaluate(overflow) <= 0, "the catalog scrolls sideways on a phone"

    page.goto("/catalog/mc/pa-design/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance Assessment Design")
    browsing.screenshot(page, "mc-page-phone")
    assert page.evaluate(overflow) <= 0, "the micro-credential page scrolls sideways on a phone"

    assert browsing.problems == []
