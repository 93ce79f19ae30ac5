"""The wallet in a real browser: an educator makes a credential public, and a signed-out visitor
verifies it on the public verify page."""

import json
from pathlib import Path
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


def test_an_educator_shows_evidence_and_holds_a_stack_credential(
    mini_catalog: None, educator: Any, assessor: Any, district_a: Any, browsing: Browsing
) -> None:
    from cairn.catalog.models import MicroCredential
    from cairn.core.demo_earning import decide_next_submission, fill_portfolio
    from cairn.credentials.models import Award
    from cairn.credentials.tests.test_stacks import STACK, earn_slug
    from cairn.credentials.verification import verify_credential
    from cairn.earning import services as earning
    from cairn.review import services as review

    review.qualification_grant(actor=None, assessor=assessor, issuer=district_a)
    pursuit = earning.pursuit_start(educator=educator, micro_credential=MicroCredential.objects.get(slug=STACK[0]))
    fill_portfolio(pursuit, educator, "My students **rewrote** the task with me.")

    me = browsing.new_page()
    _sign_in(me, educator.email)
    me.goto(f"/earning/pursuits/{pursuit.pk}/")
    reflection = me.locator("section.requirement").filter(has_text="Reflection")
    reflection.get_by_role("button", name="Show this evidence in my credential").click()
    expect(me.locator(".messages")).to_contain_text("will be shown in your credential")
    expect(me.locator("section.requirement").filter(has_text="Reflection")).to_contain_text("Shown in your credential")

    earning.submission_submit(educator=educator, pursuit=pursuit, privacy_confirmed=True)
    decide_next_submission(assessor, earned=True)
    for slug in STACK[1:]:
        earn_slug(educator, assessor, slug)
    stack_award = Award.objects.get(stack__isnull=False)

    me.goto("/credentials/")
    stack_card = me.locator("li.card").filter(has_text="Basic Performance Assessment")
    expect(stack_card).to_contain_text("Stack ·")
    stack_card.get_by_role("link", name="View its page").click()
    expect(me.get_by_role("heading", name="✓ Verified")).to_be_visible()
    expect(me.locator("article")).to_contain_text("Rubric Design")
    browsing.screenshot(me, "stack-credential")

    me.goto("/credentials/")
    with me.expect_download() as download:
        me.get_by_role("button", name="Download my transcript (CLR 2.0)").click()
    transcript = json.loads(Path(download.value.path()).read_text())
    assert transcript["type"] == ["VerifiableCredential", "ClrCredential"]
    assert len(transcript["credentialSubject"]["verifiableCredential"]) == 4  # three and the stack
    assert verify_credential(transcript).ok

    me.get_by_text("Your DID (optional, for digital wallets)").click()
    me.get_by_label("Decentralized identifier").fill("not a did")
    me.get_by_role("button", name="Save").click()
    expect(me.locator(".messages")).to_contain_text("That is not a DID")
    card = me.locator("li.card").filter(has_text="Performance Assessment Design")
    card.get_by_role("button", name="Make public").click()
    expect(me.locator(".messages")).to_contain_text("Anyone with the link can now see and verify it.")
    credential = Award.objects.get(pursuit=pursuit).credential

    visitor = browsing.new_page()
    visitor.goto(f"/credentials/{credential.public_id}/")
    visitor.get_by_role("link", name="Reflection").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Reflection")
    expect(visitor.locator("strong")).to_contain_text("rewrote")
    browsing.screenshot(visitor, "shared-evidence")
    assert stack_award.credential is not None and browsing.problems == []
