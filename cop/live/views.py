"""Pages of the live room: the room itself, attendance and the transcript."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from cop.db import utcnow
from cop.errors import UserFacingError
from cop.live import services
from cop.live.access import load_meeting
from cop.live.models import BODY_MAX
from cop.permissions import Action, can, get_cohort_or_404, load_or_404
from cop.schedule.models import Meeting
from cop.text import render_plain
from cop.timefmt import format_local

bp = Blueprint("live", __name__)


@bp.get("/meetings/<int:meeting_id>/live")
@login_required
def room(meeting_id: int) -> str:
    try:
        meeting, role = load_meeting(current_user, meeting_id)
    except UserFacingError as refusal:
        abort(404 if refusal.code == "not_found" else 403)
    return render_template("live/room.html", meeting=meeting, role=role.value, body_max=BODY_MAX,
                           is_open=meeting.room_is_open(utcnow()))


@bp.get("/meetings/<int:meeting_id>/attendance")
@login_required
def meeting_attendance(meeting_id: int) -> str:
    meeting = load_or_404(Meeting, meeting_id, Action.VIEW_ATTENDANCE)
    return render_template("live/attendance.html", cohort=meeting.cohort, meeting=meeting,
                           rows=services.attendance_rows([meeting]))


@bp.get("/meetings/<int:meeting_id>/attendance.csv")
@login_required
def meeting_attendance_csv(meeting_id: int) -> Response:
    meeting = load_or_404(Meeting, meeting_id, Action.VIEW_ATTENDANCE)
    return _attendance_csv(services.attendance_rows([meeting]), f"attendance-meeting-{meeting.id}.csv")


@bp.get("/cohorts/<int:cohort_id>/attendance")
@login_required
def cohort_attendance(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.VIEW_ATTENDANCE)
    return render_template("live/attendance.html", cohort=cohort, meeting=None,
                           rows=services.attendance_rows(services.cohort_meetings(cohort)))


@bp.get("/cohorts/<int:cohort_id>/attendance.csv")
@login_required
def cohort_attendance_csv(cohort_id: int) -> Response:
    cohort = get_cohort_or_404(cohort_id, Action.VIEW_ATTENDANCE)
    rows = services.attendance_rows(services.cohort_meetings(cohort))
    return _attendance_csv(rows, f"attendance-cohort-{cohort.id}.csv")


def _attendance_csv(rows: list[services.AttendanceRow], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["meeting", "meeting_starts_at_utc", "person", "role", "joined_at_utc",
                     "left_at_utc", "minutes_present"])
    for row in rows:
        writer.writerow([_csv_safe(row.meeting.title), row.meeting.starts_at.isoformat(),
                         _csv_safe(row.user.display_name), row.role, row.joined_at.isoformat(),
                         row.left_at.isoformat() if row.left_at else "", row.minutes])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@bp.get("/meetings/<int:meeting_id>/transcript")
@login_required
def transcript(meeting_id: int) -> str:
    meeting = load_or_404(Meeting, meeting_id, Action.READ_CONTENT)
    return render_template("live/transcript.html", meeting=meeting, render_plain=render_plain,
                           messages=services.transcript(meeting),
                           can_export=can(current_user, Action.FACILITATE, meeting.cohort))


@bp.get("/meetings/<int:meeting_id>/transcript.txt")
@login_required
def transcript_export(meeting_id: int) -> Response:
    meeting = load_or_404(Meeting, meeting_id, Action.FACILITATE)
    zone = current_user.timezone or "UTC"
    lines = [f"{meeting.title} — {format_local(meeting.starts_at, zone)}", ""]
    for message in services.transcript(meeting):
        name = message.author.display_name if message.author else "Former member"
        lines.append(f"[{format_local(message.created_at, zone)}] {name} ({message.author_role.value}):")
        lines.extend(f"    {line}" for line in message.body.split("\n"))
    return Response("\n".join(lines) + "\n", mimetype="text/plain",
                    headers={"Content-Disposition":
                             f'attachment; filename="transcript-meeting-{meeting.id}.txt"'})


@bp.app_context_processor
def _live_helpers() -> dict[str, object]:
    def open_live_meetings(cohort: object) -> list[Meeting]:
        """The cohort's meetings whose live room is open now (for links into the room)."""
        now = utcnow()
        return [m for m in services.cohort_meetings(cohort) if m.room_is_open(now)]  # type: ignore[arg-type]

    return {"open_live_meetings": open_live_meetings}
