"""Meeting pages for members: details, RSVP, calendar download and "my schedule"."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from cop.calendar.services import calendar_bytes, feed_meetings, feed_of
from cop.db import utcnow
from cop.extensions import db
from cop.forms import refusal_flashed
from cop.permissions import Action, can, load_or_404
from cop.schedule import services
from cop.schedule.forms import RsvpForm
from cop.schedule.models import Meeting, RsvpResponse
from cop.text import render_markdown
from cop.urls import absolute_url

bp = Blueprint("schedule", __name__)


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> str:
    meeting = load_or_404(Meeting, meeting_id, Action.VIEW_COHORT)
    rsvp = services.rsvp_of(current_user, meeting) if current_user.is_authenticated else None
    form = RsvpForm(obj=rsvp, response=rsvp.response.value if rsvp else None)
    rsvps = services.rsvps_for(meeting) if can(current_user, Action.FACILITATE,
                                               meeting.cohort) else None
    return render_template("schedule/meeting.html", meeting=meeting, now=utcnow(), form=form,
                           rsvp=rsvp, rsvps=rsvps, agenda=render_markdown(meeting.agenda))


@bp.post("/meetings/<int:meeting_id>/rsvp")
@login_required
def rsvp(meeting_id: int) -> Response:
    meeting = load_or_404(Meeting, meeting_id, Action.PARTICIPATE)
    form = RsvpForm()
    if not form.validate_on_submit():
        flash("Choose going or can't make it (the note is at most 200 characters).", "error")
    else:
        with refusal_flashed():
            services.set_rsvp(current_user, meeting, RsvpResponse(form.response.data),
                              form.note.data)
            flash("Thank you, your answer is saved.", "success")
    return redirect(url_for("schedule.meeting", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
def meeting_ics(meeting_id: int) -> Response:
    meeting = load_or_404(Meeting, meeting_id, Action.VIEW_COHORT)
    body = calendar_bytes([meeting], meeting.cohort.name)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@bp.get("/schedule")
@login_required
def mine() -> str:
    feed = feed_of(current_user)
    db.session.commit()
    now = utcnow()
    upcoming = [m for m in feed_meetings(current_user) if not services.has_ended(m, now)]
    return render_template("schedule/mine.html", upcoming=upcoming, now=now,
                           feed_url=absolute_url("calendar.feed", feed_token=feed.token))


@bp.app_context_processor
def schedule_helpers() -> dict[str, object]:
    """``live_room_url(meeting)`` for the Join buttons on every page that shows one."""
    return {"live_room_url": services.live_room_url}
