"""Home: the cohorts I belong to and what is next in them."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from cop.cohorts.services import cohorts_for_home

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> str:
    return render_template("home/index.html", entries=cohorts_for_home(current_user))
