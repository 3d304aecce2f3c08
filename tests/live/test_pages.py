"""The room page, attendance (with CSV) and the transcript, over HTTP."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from cop.db import utcnow
from cop.extensions import db
from cop.live.models import Attendance, LiveRole
from cop.live.services import attendance_rows
from cop.schedule.models import Meeting


def test_room_page_carries_its_data_and_no_inline_script(client_as, world):
    page = client_as("member").get(f"/meetings/{world.meeting.id}/live").get_data(as_text=True)
    assert f'data-meeting-id="{world.meeting.id}"' in page and 'data-role="member"' in page
    assert 'src="/static/js/live.js"' in page and 'aria-live="polite"' in page
    assert "Crisis help now" in page
    assert "<script>" not in page


def test_room_page_labels_admins_as_observers(client_as, world):
    page = client_as("admin").get(f"/meetings/{world.meeting.id}/live").get_data(as_text=True)
    assert 'data-role="observer"' in page and "observing as an admin" in page
    assert 'id="composer"' not in page


def test_facilitator_panel_only_for_facilitators(client_as, world):
    url = f"/meetings/{world.meeting.id}/live"
    assert "Push card" in client_as("facilitator").get(url).get_data(as_text=True)
    assert "Push card" not in client_as("member").get(url).get_data(as_text=True)


def test_transcript_hides_deleted_messages_and_renders_plain_text(live, client_as, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    member.send(world.meeting.id, "<script>alert(1)</script>\nsee https://example.org/a", "t1")
    gone = member.send(world.meeting.id, "delete me please", "t2")["message"]
    facilitator.call("delete", {"session_id": world.meeting.id, "message_id": gone["id"]})
    page = client_as("member").get(f"/meetings/{world.meeting.id}/transcript").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in page
    assert 'href="https://example.org/a" rel="noopener noreferrer nofollow"' in page
    assert "delete me please" not in page
    assert "Export as text" not in page
    export = client_as("facilitator").get(f"/meetings/{world.meeting.id}/transcript.txt")
    assert export.mimetype == "text/plain" and "attachment" in export.headers["Content-Disposition"]
    text = export.get_data(as_text=True)
    assert "<script>alert(1)</script>" in text and "delete me please" not in text


def test_attendance_merges_stretches_per_person(app, world):
    start = utcnow() - timedelta(minutes=60)
    with app.app_context():
        for joined, left in [(0, 10), (5, 20), (40, None)]:
            db.session.add(Attendance(meeting_id=world.meeting.id, user_id=world.member.id,
                                      role=LiveRole.MEMBER, joined_at=start + timedelta(minutes=joined),
                                      left_at=start + timedelta(minutes=left) if left is not None else None))
        db.session.commit()
        rows = attendance_rows([db.session.get(Meeting, world.meeting.id)], now=start + timedelta(minutes=50))
        assert len(rows) == 1
        assert rows[0].joined_at == start and rows[0].left_at is None
        assert rows[0].minutes == 10 + 15 + 10


def test_attendance_pages_and_csv(live, client_as, world):
    member = live(world.member)
    member.join(world.meeting.id)
    member.disconnect()
    facilitator = client_as("facilitator")
    page = facilitator.get(f"/meetings/{world.meeting.id}/attendance").get_data(as_text=True)
    assert "Mo Member" in page
    assert "Mo Member" in facilitator.get(f"/cohorts/{world.cohort.id}/attendance").get_data(as_text=True)
    response = client_as("admin").get(f"/cohorts/{world.cohort.id}/attendance.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["meeting", "meeting_starts_at_utc", "person"]
    assert rows[1][2] == "Mo Member" and rows[1][5] != ""


def test_attendance_csv_neutralises_formulas(app, live, client_as, world):
    with app.app_context():
        from cop.auth.models import User
        db.session.get(User, world.member.id).display_name = "=HYPERLINK(1)"
        db.session.commit()
    live(world.member).join(world.meeting.id)
    body = client_as("facilitator").get(f"/meetings/{world.meeting.id}/attendance.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body
