"""The crisis page: public, so it works even when signed out."""

from __future__ import annotations

from flask import Blueprint, render_template

from cop.safety.resources import CRISIS_LINES

bp = Blueprint("safety", __name__)


@bp.get("/crisis")
def crisis() -> str:
    return render_template("safety/crisis.html", lines=CRISIS_LINES)
