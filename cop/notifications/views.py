"""The notifications page, marking read, and the bell's count on every page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cop.extensions import db
from cop.notifications import services
from cop.notifications.models import Notification
from cop.permissions import load_owned_or_404
from cop.prompts.forms import ActionForm
from cop.urls import is_safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def bell() -> dict[str, object]:
    def unread_notifications() -> int:
        return services.unread_count(current_user.id) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


@bp.get("")
@login_required
def index() -> str:
    page = request.args.get("page", 1, type=int)
    notifications = db.paginate(services.notifications_query(current_user.id), page=page,
                                per_page=50, error_out=False)
    return render_template("notifications/index.html", notifications=notifications,
                           form=ActionForm())


@bp.get("/<int:notification_id>")
@login_required
def open(notification_id: int) -> Response:
    notification = load_owned_or_404(Notification, notification_id)
    services.mark_read(current_user, [notification.id])
    return redirect(notification.url if is_safe_next(notification.url)
                    else url_for("notifications.index"))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int) -> Response:
    notification = load_owned_or_404(Notification, notification_id)
    if ActionForm().validate_on_submit():
        services.mark_read(current_user, [notification.id])
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def mark_all_read() -> Response:
    if ActionForm().validate_on_submit():
        services.mark_read(current_user, None)
    return redirect(url_for("notifications.index"))
