"""Invitation links: registering, joining, every failure page, and the CSV import."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from cop.auth.models import User
from cop.cohorts.models import CohortStatus, Membership, Role
from cop.db import utcnow
from cop.extensions import db
from cop.invitations.models import Invitation
from tests import factories
from tests.conftest import login

REGISTRATION = {"email": "newbie@example.org", "display_name": "Newbie",
                "password": "a long enough password", "confirm": "a long enough password",
                "timezone": "Europe/London"}


def _membership(app, email: str, cohort_name: str = "Cohort A") -> Membership | None:
    from cop.cohorts.models import Cohort

    with app.app_context():
        return db.session.scalar(select(Membership).join(User).join(Cohort)
                                 .where(User.email == email, Cohort.name == cohort_name,
                                        Membership.removed_at.is_(None)))


def test_a_new_person_registers_from_the_link_and_joins(app, world, client):
    invitation = factories.make_invitation(world.cohort)
    page = client.get(f"/invite/{invitation.token}").get_data(as_text=True)
    assert "Join Cohort A" in page and "Create your account" in page
    response = client.post(f"/invite/{invitation.token}", data=REGISTRATION)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cohorts/{world.cohort.id}")
    membership = _membership(app, "newbie@example.org")
    assert membership is not None and membership.role == Role.MEMBER
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "newbie@example.org"))
        assert user.timezone == "Europe/London" and user.display_name == "Newbie"
        assert db.session.get(Invitation, invitation.id).use_count == 1
    # Signed in straight away: the cohort page opens.
    assert client.get(f"/cohorts/{world.cohort.id}").status_code == 200


def test_bound_invitation_uses_its_own_email_whatever_is_typed(app, world, client):
    invitation = factories.make_invitation(world.cohort, email="bound@example.org",
                                           role=Role.FACILITATOR)
    client.post(f"/invite/{invitation.token}", data={**REGISTRATION, "email": "x@example.org"})
    membership = _membership(app, "bound@example.org")
    assert membership is not None and membership.role == Role.FACILITATOR
    assert _membership(app, "x@example.org") is None


def test_bad_registration_keeps_the_typed_values_and_creates_nothing(app, world, client):
    invitation = factories.make_invitation(world.cohort)
    response = client.post(f"/invite/{invitation.token}",
                           data={**REGISTRATION, "password": "short", "confirm": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "newbie@example.org" in page and "Newbie" in page and "at least 10" in page
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "newbie@example.org")) is None
        assert db.session.get(Invitation, invitation.id).use_count == 0


def test_registering_with_an_existing_email_points_to_sign_in(app, world, client):
    invitation = factories.make_invitation(world.cohort)
    response = client.post(f"/invite/{invitation.token}",
                           data={**REGISTRATION, "email": world.other_member.email})
    assert "already exists" in response.get_data(as_text=True)
    assert "Sign in to join" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).use_count == 0


def test_an_existing_user_signs_in_then_joins(app, world, client):
    invitation = factories.make_invitation(world.cohort)
    page = client.get(f"/invite/{invitation.token}").get_data(as_text=True)
    assert f"/login?next=/invite/{invitation.token}" in page
    response = client.post(f"/login?next=/invite/{invitation.token}",
                           data={"email": world.other_member.email,
                                 "password": factories.PASSWORD})
    assert response.headers["Location"] == f"/invite/{invitation.token}"
    page = client.get(f"/invite/{invitation.token}").get_data(as_text=True)
    assert "Join Cohort A" in page and "signed in as Bea of B" in page
    assert client.post(f"/invite/{invitation.token}/join").status_code == 302
    assert _membership(app, world.other_member.email) is not None


def _expired(world):
    return factories.make_invitation(world.cohort, expires_at=utcnow() - timedelta(minutes=1))


def _used_up(world):
    return factories.make_invitation(world.cohort, max_uses=2, use_count=2)


def _revoked(world):
    return factories.make_invitation(world.cohort, revoked_at=utcnow())


def _full(world):
    with_one_place = factories.make_cohort(name="Tiny", capacity=1)
    factories.enroll(factories.make_user(), with_one_place, Role.MEMBER)
    return factories.make_invitation(with_one_place)


def _archived(world):
    return factories.make_invitation(factories.make_cohort(name="Done",
                                                           status=CohortStatus.ARCHIVED))


@pytest.mark.parametrize(("make", "status", "heading"), [
    (_expired, 410, "This invitation has expired"),
    (_used_up, 410, "This invitation is used up"),
    (_revoked, 410, "This invitation was withdrawn"),
    (_full, 409, "This group is full"),
    (_archived, 410, "This group has finished"),
])
def test_each_failure_has_its_own_clear_page(app, world, client, make, status, heading):
    invitation = make(world)
    for response in (client.get(f"/invite/{invitation.token}"),
                     client.post(f"/invite/{invitation.token}", data=REGISTRATION)):
        assert response.status_code == status
        assert heading in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "newbie@example.org")) is None


def test_unknown_token_page(client):
    response = client.get("/invite/no-such-token")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.get_data(as_text=True)


def test_wrong_email_page_for_a_signed_in_user(app, world, client):
    invitation = factories.make_invitation(world.cohort, email="someone@example.org")
    login(client, world.other_member)
    for response in (client.get(f"/invite/{invitation.token}"),
                     client.post(f"/invite/{invitation.token}/join")):
        assert response.status_code == 403
        assert "This invitation is for someone else" in response.get_data(as_text=True)
    assert _membership(app, world.other_member.email) is None


def test_already_a_member_page(world, client):
    invitation = factories.make_invitation(world.cohort)
    login(client, world.member)
    response = client.get(f"/invite/{invitation.token}")
    assert response.status_code == 409
    assert "You are already in this group" in response.get_data(as_text=True)


def test_full_cohort_page_for_a_signed_in_user(world, client):
    invitation = _full(world)
    login(client, world.other_member)
    response = client.post(f"/invite/{invitation.token}/join")
    assert response.status_code == 409 and "This group is full" in response.get_data(as_text=True)


def test_the_last_use_goes_to_one_person_only(app, world, client_as):
    invitation = factories.make_invitation(world.cohort, max_uses=1)
    first, second = factories.make_user(), factories.make_user()
    for user, expected in ((first, 302), (second, 410)):
        client = app.test_client()
        login(client, user)
        assert client.post(f"/invite/{invitation.token}/join").status_code == expected


# Creating and managing invitations.

def test_admin_creates_a_bound_invitation_and_it_is_mailed(app, world, client_as, outbox):
    response = client_as("admin").post(f"/admin/cohorts/{world.cohort.id}/invitations", data={
        "role": "facilitator", "email": "Fac@Example.org", "expires": "7d", "max_uses": "1"})
    assert response.status_code == 302
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.email == "fac@example.org" and invitation.role == Role.FACILITATOR
        assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    mails = [path.read_text() for path in outbox.glob("*.eml")]
    assert len(mails) == 1
    assert f"http://cop.test/invite/{invitation.token}" in mails[0]
    assert "Cohort A" in mails[0]


def test_facilitator_invites_members_but_not_facilitators(app, world, client_as):
    client = client_as("facilitator")
    page = client.get(f"/admin/cohorts/{world.cohort.id}/invitations").get_data(as_text=True)
    assert "Facilitators invite members" in page
    response = client.post(f"/admin/cohorts/{world.cohort.id}/invitations", data={
        "role": "facilitator", "email": "", "expires": "2w", "max_uses": "3"})
    assert "Only an admin can invite facilitators" in response.get_data(as_text=True)
    response = client.post(f"/admin/cohorts/{world.cohort.id}/invitations", data={
        "role": "member", "email": "", "expires": "2w", "max_uses": "3"})
    assert response.status_code == 302
    with app.app_context():
        assert [(i.role, i.max_uses) for i in db.session.scalars(select(Invitation))] == \
            [(Role.MEMBER, 3)]


def test_bad_expiry_keeps_the_form(world, client_as):
    response = client_as("admin").post(f"/admin/cohorts/{world.cohort.id}/invitations", data={
        "role": "member", "email": "typed@example.org", "expires": "soon", "max_uses": "1"})
    page = response.get_data(as_text=True)
    assert "a number and a unit" in page and "typed@example.org" in page


def test_revoke(app, world, client_as):
    invitation = factories.make_invitation(world.cohort)
    assert client_as("facilitator").post(
        f"/admin/invitations/{invitation.id}/revoke").status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).revoked_at is not None


def test_facilitator_cannot_revoke_a_facilitator_invitation(app, world, client_as):
    invitation = factories.make_invitation(world.cohort, role=Role.FACILITATOR)
    assert client_as("facilitator").post(
        f"/admin/invitations/{invitation.id}/revoke").status_code == 403
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).revoked_at is None


# CSV import.

def _upload(client, cohort_id: int, text: str):
    return client.post(f"/admin/cohorts/{cohort_id}/invitations/import",
                       data={"csv-file": (io.BytesIO(text.encode()), "people.csv"),
                             "csv-expires": "7d"},
                       content_type="multipart/form-data")


def test_csv_import_creates_and_mails_every_invitation(app, world, client_as, outbox):
    text = ("email,display_name,role\n"
            "one@example.org,One,member\n"
            "two@example.org,Two,facilitator\n")
    assert _upload(client_as("admin"), world.cohort.id, text).status_code == 302
    with app.app_context():
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.email)).all()
        assert [(i.email, i.display_name, i.role) for i in invitations] == [
            ("one@example.org", "One", Role.MEMBER), ("two@example.org", "Two", Role.FACILITATOR)]
    mails = sorted(path.read_text() for path in outbox.glob("*.eml"))
    assert len(mails) == 2 and all("/invite/" in mail for mail in mails)


def test_csv_with_bad_rows_reports_line_numbers_and_applies_nothing(app, world, client_as,
                                                                    outbox):
    text = ("email,display_name,role\n"
            "one@example.org,One,member\n"
            "not-an-email,Two,member\n"
            "three@example.org,Three,boss\n"
            f"{world.member.email},Mo,member\n"
            "one@example.org,Again,member\n"
            "short,row\n")
    response = _upload(client_as("admin"), world.cohort.id, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was imported" in page
    for line in ("Line 3:", "Line 4:", "Line 5:", "Line 6:", "Line 7:"):
        assert line in page
    assert "Line 2:" not in page
    assert "already on line 2" in page and "not &#39;boss&#39;" in page
    with app.app_context():
        assert db.session.query(Invitation).count() == 0
    assert list(outbox.glob("*.eml")) == []


def test_csv_larger_than_the_free_places_is_refused(app, world, client_as):
    rows = "".join(f"p{n}@example.org,P{n},member\n" for n in range(12))  # one member is in
    page = _upload(client_as("admin"), world.cohort.id, rows).get_data(as_text=True)
    assert "invites 12 members but Cohort A has 11 free places" in page
    with app.app_context():
        assert db.session.query(Invitation).count() == 0


def test_facilitator_csv_may_not_invite_facilitators(app, world, client_as):
    page = _upload(client_as("facilitator"), world.cohort.id,
                   "a@example.org,A,member\nb@example.org,B,facilitator\n").get_data(as_text=True)
    assert "Line 2: Only an admin can invite facilitators." in page
    with app.app_context():
        assert db.session.query(Invitation).count() == 0


def test_facilitators_do_not_see_facilitator_links_or_admin_typed_addresses(world, client_as):
    factories.make_invitation(world.cohort, role=Role.FACILITATOR, email="f@example.org")
    member_invitation = factories.make_invitation(world.cohort, email="m@example.org")
    page = client_as("facilitator").get(
        f"/admin/cohorts/{world.cohort.id}/invitations").get_data(as_text=True)
    assert "f@example.org" not in page and "m@example.org" not in page
    assert page.count("data-invitation-link") == 1 and member_invitation.token in page
    admin_page = client_as("admin").get(
        f"/admin/cohorts/{world.cohort.id}/invitations").get_data(as_text=True)
    assert "f@example.org" in admin_page and admin_page.count("data-invitation-link") == 2


def test_csv_that_is_not_csv_text_is_refused_whole(app, world, client_as):
    page = _upload(client_as("admin"), world.cohort.id, "a@example.org,A,member\n\0oops\n")
    assert "Nothing was imported" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Invitation).count() == 0
