"""The wallet in a real browser: an educator makes a credential public, and a signed-out visitor
verifies it on the public verify page."""

from typing import Any

import pytest
from playwright.sync_api import expect

from browser.conftest import Browsing
from browser.test_earning_flow import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_educator_shares_a_credential_and_a_visitor_verifies_it(
    mini_catalog: None, educator: Any, assessor: Any, district_a: Any, browsing: Browsing
) -> None:
    from cairn.credentials.services import award_issue_credential
    from cairn.credentials.tests.test_issuing import earn

    credential = award_issue_credential(award_id=earn(educator, assessor, district_a).pk)

    me = browsing.new_page()
    _sign_in(me, educator.email)
    me.get_by_role("navigation", name="Main").get_by_role("link", name="My credentials").click()
    card = me.locator("li.card").filter(has_text="Performance Assessment Design")
    expect(card).to_contain_text("Private: only you can see it.")
    card.get_by_role("button", name="Make public").click()
    expect(me.locator(".messages")).to_contain_text("Anyone with the link can now see and verify it.")
    expect(card).to_contain_text("Public: anyone with the link can see and verify it.")
    browsing.screenshot(me, "wallet-public")

    visitor = browsing.new_page()
    visitor.goto(f"/credentials/{credential.public_id}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Performance Assessment Design")
    expect(visitor.get_by_role("heading", name="✓ Verified")).to_be_visible()
    visitor.get_by_role("link", name="Check it on the verify page").click()
    expect(visitor.get_by_role("heading", name="✓ This credential is valid")).to_be_visible()
    expect(visitor.locator(".verdict")).to_contain_text("Proof: passed")
    expect(visitor.locator(".verdict")).to_contain_text("Status: passed")
    browsing.screenshot(visitor, "verify-public-credential")
    assert browsing.problems == []
