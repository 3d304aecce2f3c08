"""Admin: a cohort's schedule (weekly series, one-offs, edits, cancellations)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cop.cohorts.models import Cohort
from cop.db import utcnow
from cop.forms import refusal_flashed, refusal_shown_on
from cop.permissions import Action, get_cohort_or_404, load_or_404
from cop.schedule import services
from cop.schedule.forms import GenerateForm, MeetingForm
from cop.schedule.models import Meeting, MeetingKind

bp = Blueprint("schedule_admin", __name__, url_prefix="/admin")


def _fields(form: MeetingForm, cohort: Cohort) -> services.MeetingFields:
    return services.MeetingFields(
        kind=MeetingKind(form.kind.data), title=form.title.data or "",
        starts_at=services.local_to_utc(form.starts_at.data, cohort.timezone),
        duration_minutes=form.duration_minutes.data, agenda=form.agenda.data or "",
        video_url=form.video_url.data, location=form.location.data,
        lobby_minutes=form.lobby_minutes.data, grace_minutes=form.grace_minutes.data)


@bp.route("/cohorts/<int:cohort_id>/schedule", methods=["GET", "POST"])
@login_required
def schedule(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.MANAGE_COHORT)
    form = GenerateForm(first_date=cohort.start_date)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            meetings = services.generate_weekly_meetings(
                current_user, cohort, first_date=form.first_date.data,
                weekday=int(form.weekday.data), at=form.at.data, weeks=form.weeks.data,
                duration_minutes=form.duration_minutes.data, title=form.title.data)
            flash(f"{len(meetings)} weekly meetings are scheduled.", "success")
            return redirect(url_for("schedule_admin.schedule", cohort_id=cohort.id))
    return render_template("admin/cohort_schedule.html", cohort=cohort, form=form,
                           meetings=services.cohort_meetings(cohort), now=utcnow())


@bp.route("/cohorts/<int:cohort_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.MANAGE_COHORT)
    form = MeetingForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            meeting = services.add_meeting(current_user, cohort, _fields(form, cohort))
            flash(f"{meeting.title} is added.", "success")
            return redirect(url_for("schedule_admin.schedule", cohort_id=cohort.id))
    return render_template("admin/meeting_form.html", cohort=cohort, form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int) -> str | Response:
    meeting = load_or_404(Meeting, meeting_id, Action.MANAGE_COHORT)
    cohort = meeting.cohort
    form = MeetingForm(obj=meeting, kind=meeting.kind.value,
                       starts_at=services.utc_to_local_naive(meeting.starts_at, cohort.timezone))
    if form.validate_on_submit():
        with refusal_shown_on(form):
            moved = services.update_meeting(current_user, meeting, _fields(form, cohort))
            flash("The meeting is moved; its members are told." if moved
                  else "The meeting is saved.", "success")
            return redirect(url_for("schedule_admin.schedule", cohort_id=cohort.id))
    return render_template("admin/meeting_form.html", cohort=cohort, form=form, meeting=meeting)


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int) -> Response:
    meeting = load_or_404(Meeting, meeting_id, Action.MANAGE_COHORT)
    with refusal_flashed():
        services.cancel_meeting(current_user, meeting)
        flash(f"{meeting.title} is cancelled; its members are told.", "success")
    return redirect(url_for("schedule_admin.schedule", cohort_id=meeting.cohort_id))
