"""Home: the cohorts I belong to and what is next in them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from cop.cohorts.services import cohorts_for_home
from cop.db import utcnow
from cop.permissions import Action, can
from cop.prompts.services import latest_released
from cop.schedule.services import next_meeting

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> str:
    entries = cohorts_for_home(current_user)
    now = utcnow()
    upcoming = next_meeting([entry.cohort.id for entry in entries], now)
    latest_prompts = {entry.cohort.id: latest_released(entry.cohort, current_user, now)
                      for entry in entries if can(current_user, Action.READ_CONTENT, entry.cohort)}
    return render_template("home/index.html", entries=entries, upcoming=upcoming, now=now,
                           latest_prompts=latest_prompts)
