"""The access matrix: every registered route × every kind of person.

The route list comes from the url map, so a new route without an entry here fails
``test_every_route_has_an_access_rule``. Objects in the URL belong to cohort A; the
member of cohort B must get 404 for all of them (never learn they exist).
"""

from __future__ import annotations

import pytest
from flask import Flask

from cop.auth.models import AnonymousUser
from cop.cohorts.models import CohortStatus
from cop.extensions import db
from cop.permissions import Action, can, visible_cohort_ids
from tests import factories
from tests.conftest import ROLES, World

LOGIN = 302  # anonymous visitors are sent to the sign-in page

# endpoint -> (method, {role: expected status}). Roles: anonymous, other_member (cohort B
# only), member and facilitator (cohort A), admin (no cohort membership).
ALL = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**ALL, "anonymous": LOGIN}
ADMIN_ONLY = {"anonymous": LOGIN, "other_member": 403, "member": 403, "facilitator": 403,
              "admin": 200}
# Cohort content: members and facilitators; admins see the cohort but not its content.
CONTENT = {"anonymous": LOGIN, "other_member": 404, "member": 200, "facilitator": 200,
           "admin": 403}
FACILITATORS = {**CONTENT, "member": 403}
COHORT_PAGE = {"anonymous": 404, "other_member": 404, "member": 200, "facilitator": 200,
               "admin": 200}
MANAGE = {"anonymous": LOGIN, "other_member": 404, "member": 403, "facilitator": 403,
          "admin": 200}
MANAGE_POST = {**MANAGE, "admin": 302}
INVITE = {**MANAGE, "facilitator": 200}
INVITE_POST = {**MANAGE, "facilitator": 302, "admin": 302}
# The sample invitation is bound to an address none of the world's people have.
NOT_YOUR_INVITATION = {**dict.fromkeys(ROLES, 403), "anonymous": 200}
FACILITATOR_ACTION = {**FACILITATORS, "facilitator": 302}
# Things that belong to one person: the member's notification, the facilitator's saved prompt.
MEMBER_OWNS = {"anonymous": LOGIN, "other_member": 404, "member": 302, "facilitator": 404,
               "admin": 404}
FACILITATOR_OWNS = {**MEMBER_OWNS, "member": 404, "facilitator": 302}
# Facilitators and admins: who came to the meetings.
ATTENDANCE = {"anonymous": LOGIN, "other_member": 404, "member": 403, "facilitator": 200,
              "admin": 200}

ACCESS: dict[str, tuple[str, dict[str, int]]] = {
    "static": ("GET", ALL),
    "safety.crisis": ("GET", ALL),
    "auth.login": ("GET", {**ALL, "other_member": 302, "member": 302, "facilitator": 302,
                           "admin": 302}),
    "auth.logout": ("POST", {**dict.fromkeys(ROLES, 302)}),
    "auth.request_reset": ("GET", ALL),
    "auth.reset_password": ("GET", dict.fromkeys(ROLES, 400)),  # the sample token is invalid
    "auth.profile": ("GET", SIGNED_IN),
    "home.index": ("GET", SIGNED_IN),
    "cohorts.show": ("GET", COHORT_PAGE),
    "admin.users": ("GET", ADMIN_ONLY),
    "admin.new_user": ("GET", ADMIN_ONLY),
    "admin.edit_user": ("GET", ADMIN_ONLY),
    "admin.audit": ("GET", ADMIN_ONLY),
    "admin.break_glass_open": ("GET", ADMIN_ONLY),
    "admin.break_glass_close": ("POST", {**ADMIN_ONLY, "admin": 404}),  # not the admin's grant
    "cohort_admin.index": ("GET", ADMIN_ONLY),
    "cohort_admin.new": ("GET", ADMIN_ONLY),
    "cohort_admin.edit": ("GET", MANAGE),
    "cohort_admin.members": ("GET", MANAGE),
    "cohort_admin.change_role": ("POST", MANAGE_POST),
    "cohort_admin.remove_member": ("POST", MANAGE_POST),
    "schedule.meeting": ("GET", COHORT_PAGE),
    "schedule.meeting_ics": ("GET", COHORT_PAGE),
    "schedule.rsvp": ("POST", {"anonymous": LOGIN, "other_member": 404, "member": 302,
                               "facilitator": 302, "admin": 403}),
    "schedule.mine": ("GET", SIGNED_IN),
    "schedule_admin.schedule": ("GET", MANAGE),
    "schedule_admin.new_meeting": ("GET", MANAGE),
    "schedule_admin.edit_meeting": ("GET", MANAGE),
    "schedule_admin.cancel_meeting": ("POST", MANAGE_POST),
    "calendar.feed": ("GET", ALL),  # the secret token is the credential
    "calendar.regenerate": ("POST", {**dict.fromkeys(ROLES, 302)}),
    "invitations.show": ("GET", NOT_YOUR_INVITATION),
    "invitations.join": ("POST", {**NOT_YOUR_INVITATION, "anonymous": LOGIN}),
    "invitations.manage": ("GET", INVITE),
    "invitations.import_csv": ("POST", INVITE),  # no file: the form comes back with its error
    "invitations.revoke": ("POST", INVITE_POST),
    # The discussion (the sample thread and post are the facilitator's, in cohort A).
    "discussions.index": ("GET", CONTENT),
    "discussions.new_thread": ("GET", CONTENT),
    "discussions.mark_all_read": ("POST", {**CONTENT, "member": 302, "facilitator": 302}),
    "discussions.search": ("GET", CONTENT),
    "discussions.review": ("GET", FACILITATORS),
    "discussions.mute": ("POST", {**FACILITATORS, "facilitator": 400}),  # empty form
    "discussions.audit": ("GET", {**FACILITATORS, "admin": 200}),
    "discussions.show_thread": ("GET", CONTENT),
    "discussions.reply_to_thread": ("POST", {**CONTENT, "member": 400, "facilitator": 400}),
    "discussions.first_unread": ("GET", {**CONTENT, "member": 302, "facilitator": 302}),
    "discussions.moderate_thread": ("POST", {**FACILITATORS, "facilitator": 302}),
    "discussions.show_post": ("GET", {**CONTENT, "member": 302, "facilitator": 302}),
    "discussions.fragment": ("GET", CONTENT),
    "discussions.reply_to_post": ("GET", CONTENT),
    "discussions.edit_post": ("GET", FACILITATORS),  # the author only
    "discussions.delete_post": ("POST", {**FACILITATORS, "facilitator": 400}),  # unconfirmed
    "discussions.revisions": ("GET", FACILITATORS),
    "discussions.content_note": ("GET", FACILITATORS),  # the author or a facilitator
    "discussions.react": ("POST", {**CONTENT, "member": 302, "facilitator": 302}),
    "discussions.flag": ("GET", CONTENT),
    "discussions.moderate_post": ("GET", FACILITATORS),
    "prompts.index": ("GET", CONTENT),
    "prompts.new": ("GET", FACILITATORS),
    "prompts.show": ("GET", CONTENT),
    "prompts.respond": ("POST", CONTENT),  # an empty response: the form comes back with a message
    "prompts.edit": ("GET", FACILITATORS),
    "prompts.delete": ("POST", FACILITATOR_ACTION),  # released, so refused with a message
    "prompts.responders": ("GET", FACILITATORS),
    "prompts.nudge": ("POST", FACILITATOR_ACTION),
    "prompts.save_to_library": ("POST", FACILITATOR_ACTION),
    "prompts.library": ("GET", FACILITATORS),
    "prompts.sequence": ("GET", FACILITATORS),
    "prompts.delete_library_prompt": ("POST", FACILITATOR_OWNS),
    "prompts.themes": ("GET", ADMIN_ONLY),
    "notifications.index": ("GET", SIGNED_IN),
    "notifications.open": ("GET", MEMBER_OWNS),
    "notifications.mark_read": ("POST", MEMBER_OWNS),
    "notifications.mark_all_read": ("POST", dict.fromkeys(ROLES, 302)),
    "live.room": ("GET", {**COHORT_PAGE, "anonymous": LOGIN}),  # admins as labelled observers
    "live.meeting_attendance": ("GET", ATTENDANCE),
    "live.meeting_attendance_csv": ("GET", ATTENDANCE),
    "live.cohort_attendance": ("GET", ATTENDANCE),
    "live.cohort_attendance_csv": ("GET", ATTENDANCE),
    "live.transcript": ("GET", {**COHORT_PAGE, "anonymous": LOGIN, "admin": 403}),
    "live.transcript_export": ("GET", {**COHORT_PAGE, "anonymous": LOGIN, "member": 403,
                                       "admin": 403}),
}


def sample_values(world: World) -> dict[str, object]:
    """A value for every URL variable name, always an object of cohort A."""
    if not hasattr(world, "samples"):
        world.samples = {  # type: ignore[attr-defined]
            "token": factories.make_invitation(world.cohort, email="someone.else@example.org",
                                               max_uses=5).token,
            "invitation_id": factories.make_invitation(world.cohort).id,
            "feed_token": factories.make_feed(world.member).token,
        }
    return {
        "cohort_id": world.cohort.id,
        "user_id": world.member.id,
        "meeting_id": world.meeting.id,
        "thread_id": world.thread.id,
        "post_id": world.post.id,
        "filename": "css/app.css",
        "grant_id": 999_999,
        **world.samples,  # type: ignore[attr-defined]
        "prompt_id": factories.make_prompt(world.cohort).id,
        "notification_id": factories.make_notification(world.member, cohort_id=world.cohort.id).id,
        "library_prompt_id": factories.make_library_prompt(world.facilitator).id,
    }


def _routes(app: Flask):
    # Signing out last, so it does not end the session the other checks run in.
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")


def test_every_route_has_an_access_rule(app):
    missing = sorted({rule.endpoint for rule in _routes(app)} - set(ACCESS))
    assert not missing, f"add these endpoints to ACCESS in tests/test_permissions.py: {missing}"


def test_every_url_variable_has_a_sample(app, world):
    values = sample_values(world)
    unknown = sorted({arg for rule in _routes(app) for arg in rule.arguments} - set(values))
    assert not unknown, f"add sample values for: {unknown}"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, client_as, role):
    client = client_as(role)
    values = sample_values(world)
    failures = []
    for rule in _routes(app):
        method, expected = ACCESS[rule.endpoint]
        url = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.open(url, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url} ({rule.endpoint}): {response.status_code}, "
                            f"expected {expected[role]}")
        if role == "anonymous" and expected[role] == LOGIN:
            assert "/login" in response.headers["Location"]
    assert not failures, "\n".join(failures)


def test_other_cohort_gets_404_for_every_cohort_route(app, world, client_as):
    """The general rule behind the matrix, checked by shape: any URL naming a cohort-A
    object answers 404 (never 403 or 200) to a member of cohort B. Admin-only routes
    answer 403 to every non-admin before looking anything up, which reveals nothing."""
    client = client_as("other_member")
    values = sample_values(world)
    cohort_scoped = {"cohort_id", "meeting_id", "invitation_id", "thread_id", "post_id",
                     "prompt_id", "notification_id", "library_prompt_id"}
    for rule in _routes(app):
        if ACCESS[rule.endpoint][1] == ADMIN_ONLY:
            continue
        if cohort_scoped & set(rule.arguments):
            url = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]
            method = ACCESS[rule.endpoint][0]
            assert client.open(url, method=method).status_code == 404, url


# The rules themselves, as a unit.

def test_anonymous_may_do_nothing(app, world):
    with app.app_context():
        for action in Action:
            cohort = None if action == Action.ADMINISTER else db.session.merge(world.cohort)
            assert can(AnonymousUser(), action, cohort) is False


def test_admin_manages_but_does_not_read_content(app, world):
    with app.app_context():
        admin, cohort = db.session.merge(world.admin), db.session.merge(world.cohort)
        assert can(admin, Action.ADMINISTER)
        assert can(admin, Action.VIEW_COHORT, cohort)
        assert can(admin, Action.MANAGE_COHORT, cohort)
        assert not can(admin, Action.READ_CONTENT, cohort)
        assert not can(admin, Action.MODERATE, cohort)


def test_facilitator_and_member_rules(app, world):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        facilitator, member = db.session.merge(world.facilitator), db.session.merge(world.member)
        assert can(facilitator, Action.MODERATE, cohort)
        assert can(facilitator, Action.INVITE_MEMBERS, cohort)
        assert not can(facilitator, Action.MANAGE_COHORT, cohort)
        assert can(member, Action.PARTICIPATE, cohort)
        assert not can(member, Action.FACILITATE, cohort)
        assert not can(member, Action.READ_AUDIT, cohort)


def test_draft_cohort_is_invisible_to_members_not_facilitators(app, world):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        cohort.status = CohortStatus.DRAFT
        db.session.commit()
        assert not can(db.session.merge(world.member), Action.VIEW_COHORT, cohort)
        assert can(db.session.merge(world.facilitator), Action.VIEW_COHORT, cohort)
        assert world.cohort.id not in visible_cohort_ids(db.session.merge(world.member))


def test_archived_cohort_is_read_only(app, world):
    with app.app_context():
        cohort = db.session.merge(world.cohort)
        cohort.status = CohortStatus.ARCHIVED
        db.session.commit()
        member, facilitator = db.session.merge(world.member), db.session.merge(world.facilitator)
        assert can(member, Action.READ_CONTENT, cohort)
        assert not can(member, Action.PARTICIPATE, cohort)
        assert can(facilitator, Action.FACILITATE, cohort)
        assert not can(facilitator, Action.MODERATE, cohort)


def test_removed_member_loses_access(app, world):
    from cop.cohorts.models import Membership
    from cop.db import utcnow

    with app.app_context():
        membership = db.session.scalar(db.select(Membership).filter_by(user_id=world.member.id))
        membership.removed_at = utcnow()
        db.session.commit()
        assert not can(db.session.merge(world.member), Action.VIEW_COHORT,
                       db.session.merge(world.cohort))


def test_deactivated_user_may_do_nothing(app, world):
    with app.app_context():
        admin = db.session.merge(world.admin)
        admin.is_active = False
        assert not can(admin, Action.ADMINISTER)


# The same matrix for the /live Socket.IO events: each role runs every event in this
# order against cohort A's meeting, with a second member ("bystander") present as the
# target of mutes, removals and the round. Anonymous connections are refused outright.
LIVE_EVENTS = ["join", "typing", "send", "sync", "push_card", "delete", "mute", "unmute",
               "round_start", "round_turn", "round_skip", "round_end", "remove", "close_room",
               "open_room", "leave"]
_MODERATION = {"push_card", "delete", "mute", "unmute", "round_start", "round_skip", "round_end",
               "remove", "close_room", "open_room"}
LIVE_ACCESS: dict[str, dict[str, str]] = {
    "other_member": dict.fromkeys(LIVE_EVENTS, "not_found"),
    "member": {**dict.fromkeys(LIVE_EVENTS, "ok"), **dict.fromkeys(_MODERATION, "forbidden"),
               "round_turn": "invalid"},  # no round is running
    "facilitator": {**dict.fromkeys(LIVE_EVENTS, "ok"),
                    "round_turn": "forbidden",  # it is the bystander's turn
                    "round_end": "invalid"},    # skipping the only turn ended it
    "admin": {**dict.fromkeys(LIVE_EVENTS, "ok"), **dict.fromkeys(_MODERATION, "forbidden"),
              "typing": "forbidden", "send": "forbidden", "round_turn": "invalid"},
}


def _live_payload(event: str, meeting_id: int, message_id: int, bystander_id: int) -> dict:
    extra = {"send": {"body": "hello", "client_id": "matrix-1"}, "sync": {"after_seq": 0},
             "typing": {"typing": True}, "push_card": {"title": "Card"},
             "delete": {"message_id": message_id}, "mute": {"user_id": bystander_id},
             "unmute": {"user_id": bystander_id}, "remove": {"user_id": bystander_id},
             "round_start": {"question": "How are you?"}, "round_turn": {"outcome": "shared"}}
    return {"session_id": meeting_id, **extra.get(event, {})}


def test_live_access_matrix_covers_every_event():
    from cop.live.events import LiveNamespace

    handled = {name[3:] for name in dir(LiveNamespace) if name.startswith("on_")}
    assert handled - {"connect", "disconnect"} == set(LIVE_EVENTS)


@pytest.mark.parametrize("role", ROLES)
def test_live_access_matrix(app, world, role):
    from cop.extensions import socketio
    from tests import factories
    from tests.conftest import login

    def connect(user):
        flask_client = app.test_client()
        if user is not None:
            login(flask_client, user)
        return socketio.test_client(app, namespace="/live", flask_test_client=flask_client)

    if role == "anonymous":
        assert not connect(None).is_connected("/live")
        return
    bystander = factories.make_user(display_name="Bystander")
    factories.enroll(bystander, world.cohort)
    other = connect(bystander)
    other.emit("join", {"session_id": world.meeting.id}, namespace="/live", callback=True)
    message = other.emit("send", {"session_id": world.meeting.id, "body": "hi", "client_id": "b1"},
                         namespace="/live", callback=True)["message"]
    client = connect(world.user(role))
    failures = []
    for event in LIVE_EVENTS:
        payload = _live_payload(event, world.meeting.id, message["id"], bystander.id)
        answer = client.emit(event, payload, namespace="/live", callback=True)
        got = "ok" if answer["ok"] else answer["error"]["code"]
        if got != LIVE_ACCESS[role][event]:
            failures.append(f"{event}: {got}, expected {LIVE_ACCESS[role][event]} ({answer})")
    client.disconnect(namespace="/live")
    if other.is_connected("/live"):
        other.disconnect(namespace="/live")
    assert not failures, "\n".join(failures)
