"""Cohort pages."""

from __future__ import annotations

from flask import Blueprint, render_template

from cop.cohorts.services import current_memberships
from cop.db import utcnow
from cop.permissions import get_cohort_or_404
from cop.schedule.services import cohort_meetings, next_meeting, split_schedule

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.get("/<int:cohort_id>")
def show(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id)
    now = utcnow()
    upcoming, past = split_schedule(cohort_meetings(cohort), now)
    return render_template("cohorts/show.html", cohort=cohort, now=now,
                           memberships=current_memberships(cohort), upcoming=upcoming, past=past,
                           next_up=next_meeting([cohort.id], now).get(cohort.id))
