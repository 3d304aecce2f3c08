"""The notifications page, marking read, the bell, and the /notifications socket namespace."""

from __future__ import annotations

from cop.cohorts.models import Membership
from cop.db import utcnow
from cop.extensions import db, socketio
from cop.notifications.models import Notification
from cop.notifications.services import notify, unread_count
from tests import factories


def test_page_lists_my_notifications_and_the_bell_counts_unread(app, world, client_as):
    factories.make_notification(world.member, summary="A new prompt is open in Cohort A",
                                url="/cohorts/1/prompts", cohort_id=world.cohort.id)
    factories.make_notification(world.member, summary="Older, already read", read_at=utcnow())
    factories.make_notification(world.facilitator, summary="Not for the member")
    client = client_as("member")
    page = client.get("/notifications").get_data(as_text=True)
    assert "A new prompt is open in Cohort A" in page and "Older, already read" in page
    assert "Not for the member" not in page
    assert '<span data-bell-number>1</span>' in page


def test_opening_marks_read_and_follows_the_link(app, world, client_as):
    note = factories.make_notification(world.member, url="/cohorts/1/prompts",
                                       cohort_id=world.cohort.id)
    client = client_as("member")
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/cohorts/1/prompts"
    with app.app_context():
        assert db.session.get(Notification, note.id).is_read


def test_an_unsafe_link_is_never_followed(app, world, client_as):
    note = factories.make_notification(world.member, url="//evil.example/")
    response = client_as("member").get(f"/notifications/{note.id}")
    assert response.headers["Location"] == "/notifications"


def test_mark_one_and_mark_all_read(app, world, client_as):
    first = factories.make_notification(world.member)
    factories.make_notification(world.member)
    theirs = factories.make_notification(world.facilitator)
    client = client_as("member")
    assert client.post(f"/notifications/{first.id}/read").status_code == 302
    with app.app_context():
        assert unread_count(world.member.id) == 1
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    client.post("/notifications/read-all")
    with app.app_context():
        assert unread_count(world.member.id) == 0
        assert unread_count(world.facilitator.id) == 1


def test_leaving_a_cohort_hides_its_notifications(app, world, client_as):
    factories.make_notification(world.member, summary="About cohort A", cohort_id=world.cohort.id)
    with app.app_context():
        membership = db.session.scalar(db.select(Membership).filter_by(user_id=world.member.id))
        membership.removed_at = utcnow()
        db.session.commit()
        assert unread_count(world.member.id) == 0
    assert "About cohort A" not in client_as("member").get("/notifications").get_data(as_text=True)


def _socket(app, client):
    return socketio.test_client(app, namespace="/notifications", flask_test_client=client)


def test_socket_refuses_anonymous_and_joins_the_persons_room(app, world, client_as):
    anonymous = _socket(app, app.test_client())
    assert not anonymous.is_connected("/notifications")
    member_socket = _socket(app, client_as("member"))
    other_socket = _socket(app, client_as("other_member"))
    assert member_socket.is_connected("/notifications")
    assert member_socket.emit("sync", {}, namespace="/notifications", callback=True) == {"unread": 0}
    with app.app_context():
        notify(world.member.id, "test", "Something happened", "/", cohort_id=world.cohort.id)
        db.session.commit()
    received = member_socket.get_received("/notifications")
    assert [(e["name"], e["args"][0]["unread"]) for e in received] == [("notification", 1)]
    assert other_socket.get_received("/notifications") == []
    # Reading elsewhere updates the bell too.
    client_as("member").post("/notifications/read-all")
    received = member_socket.get_received("/notifications")
    assert [(e["name"], e["args"][0]["unread"]) for e in received] == [("notification.count", 0)]
    member_socket.disconnect(namespace="/notifications")
    other_socket.disconnect(namespace="/notifications")


def test_a_rolled_back_notification_is_never_announced(app, world, client_as):
    member_socket = _socket(app, client_as("member"))
    with app.app_context():
        notify(world.member.id, "test", "Undone", "/")
        db.session.rollback()
    assert member_socket.get_received("/notifications") == []
    member_socket.disconnect(namespace="/notifications")
