"""The private calendar feed and regenerating its secret."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from cop.calendar import services

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/<feed_token>.ics")
def feed(feed_token: str) -> Response:
    # Calendar apps fetch without a session: the secret token is the credential.
    user = services.user_for_feed_token(feed_token)
    if user is None:
        abort(404)
    body = services.calendar_bytes(services.feed_meetings(user), "cop meetings")
    return Response(body, mimetype="text/calendar")


@bp.post("/regenerate")
@login_required
def regenerate() -> Response:
    services.regenerate_feed(current_user)
    flash("Your calendar link is new; the old one no longer works. Subscribe again with "
          "the new link.", "success")
    return redirect(url_for("schedule.mine"))
