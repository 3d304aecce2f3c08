"""A flag is reviewed and the post hidden with a reason the author sees; the audit log
shows every step; a pre-moderated post waits until approved."""

from __future__ import annotations

from playwright.sync_api import expect

from cop.cohorts.models import ModerationMode, Role
from tests import factories
from tests.e2e.conftest import axe_violations, sign_in


def test_a_flag_is_reviewed_and_the_post_hidden_with_a_reason(new_page):
    cohort = factories.make_cohort(name="Flag Review Group")
    facilitator = factories.make_user(email="fac-flag@example.org", display_name="Fran")
    author = factories.make_user(email="author-flag@example.org", display_name="Ash")
    flagger = factories.make_user(email="flagger-flag@example.org", display_name="Bo")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(author, cohort, Role.MEMBER)
    factories.enroll(flagger, cohort, Role.MEMBER)
    thread = factories.make_thread(cohort, facilitator, title="Hard calls")
    factories.make_reply(thread, author, "The patient was Sam Lee of 12 Elm Street.")

    page = new_page()
    sign_in(page, "flagger-flag@example.org", factories.PASSWORD)
    page.goto(f"/discussions/threads/{thread.id}")
    page.get_by_role("link", name="Flag this post by Ash").click()
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("Choose a reason.").first).to_be_visible()
    page.get_by_label("Privacy: shares someone's identifying details").check()
    page.get_by_label("Anything the facilitators should know").fill("Names a patient")
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("The facilitators will look at it.")).to_be_visible()
    expect(page.get_by_text("You flagged this")).to_be_visible()

    fac = new_page()
    sign_in(fac, "fac-flag@example.org", factories.PASSWORD)
    fac.goto(f"/cohorts/{cohort.id}/discussions/review")
    expect(fac.get_by_text("Privacy: shares someone's identifying details, from Bo")).to_be_visible()
    assert axe_violations(fac) == []
    fac.get_by_role("link", name="Review the post by Ash").click()
    fac.get_by_label("Action").select_option("hide")
    fac.get_by_role("button", name="Apply").click()
    expect(fac.get_by_text("Give a reason: the author will see it.")).to_be_visible()
    fac.get_by_label("Reason").fill("It names a patient. Please share without names.")
    fac.get_by_role("button", name="Apply").click()
    expect(fac.get_by_text("Nothing to review.")).to_be_visible()

    page.goto(f"/discussions/threads/{thread.id}")
    expect(page.get_by_text("Hidden by a facilitator.")).to_be_visible()
    expect(page.get_by_text("Sam Lee")).to_have_count(0)

    ash = new_page(width=375)
    sign_in(ash, "author-flag@example.org", factories.PASSWORD)
    ash.goto(f"/discussions/threads/{thread.id}")
    expect(ash.get_by_text("Reason: It names a patient. Please share without names.")
           ).to_be_visible()
    assert axe_violations(ash) == []

    fac.goto(f"/cohorts/{cohort.id}/audit")
    expect(fac.get_by_role("cell", name="post.hide")).to_be_visible()
    expect(fac.get_by_role("cell", name="It names a patient. Please share without names.")
           ).to_be_visible()


def test_a_pre_moderated_post_waits_for_approval(new_page):
    cohort = factories.make_cohort(name="Pre Group", moderation_mode=ModerationMode.PRE)
    facilitator = factories.make_user(email="fac-pre@example.org", display_name="Fran")
    author = factories.make_user(email="author-pre@example.org", display_name="Ash")
    factories.enroll(facilitator, cohort, Role.FACILITATOR)
    factories.enroll(author, cohort, Role.MEMBER)

    page = new_page()
    sign_in(page, "author-pre@example.org", factories.PASSWORD)
    page.goto(f"/cohorts/{cohort.id}")
    page.get_by_role("link", name="Open the discussion").click()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("First week back")
    page.get_by_label("What would you like to say?").fill("Nervous about nights.")
    page.get_by_label("Content note").fill("sleep trouble")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_text("Awaiting review: only you and the facilitators can see this")
           ).to_be_visible()
    # The content note keeps the post collapsed until opened.
    expect(page.get_by_text("Nervous about nights.")).to_be_hidden()
    page.get_by_text("Content note: sleep trouble").click()
    expect(page.get_by_text("Nervous about nights.")).to_be_visible()

    fac = new_page()
    sign_in(fac, "fac-pre@example.org", factories.PASSWORD)
    fac.goto(f"/cohorts/{cohort.id}/discussions/review")
    fac.get_by_role("link", name="Review the post by Ash").click()
    fac.get_by_label("Action").select_option("approve")
    fac.get_by_role("button", name="Apply").click()
    expect(fac.get_by_text("Nothing to review.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Awaiting review")).to_have_count(0)
