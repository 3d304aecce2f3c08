"""Admin: people and the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from cop.admin import break_glass, services
from cop.admin.forms import BreakGlassForm, EditUserForm, NewUserForm
from cop.admin.models import BreakGlassGrant
from cop.audit.services import events_query
from cop.auth.models import User
from cop.extensions import db
from cop.forms import refusal_shown_on
from cop.permissions import admin_required, get_cohort_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@admin_required
def users() -> str:
    people = db.session.scalars(select(User).order_by(User.display_name)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> str | Response:
    form = NewUserForm(timezone=current_user.timezone)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            user = services.create_user(current_user, form.email.data, form.display_name.data,
                                        form.password.data, timezone=form.timezone.data,
                                        is_admin=form.is_admin.data)
            flash(f"Account for {user.display_name} created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> str | Response:
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.update_user(current_user, user, display_name=form.display_name.data,
                                 timezone=form.timezone.data, is_admin=form.is_admin.data,
                                 is_active=form.is_active.data, password=form.password.data)
            flash(f"{user.display_name} is saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/audit")
@admin_required
def audit() -> str:
    page = request.args.get("page", 1, type=int)
    events = db.paginate(events_query(), page=page, per_page=50, error_out=False)
    return render_template("admin/audit.html", events=events)


@bp.route("/cohorts/<int:cohort_id>/break-glass", methods=["GET", "POST"])
@admin_required
def break_glass_open(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id)
    form = BreakGlassForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            break_glass.open_grant(current_user, cohort, form.reason.data)
            flash(f"Read-only access to {cohort.name} is open for "
                  f"{break_glass.GRANT_MINUTES} minutes. It is in the audit log.", "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    grant = break_glass.active_grant(current_user.id, cohort.id)
    return render_template("admin/break_glass.html", form=form, cohort=cohort, grant=grant)


@bp.post("/break-glass/<int:grant_id>/close")
@admin_required
def break_glass_close(grant_id: int) -> Response:
    grant = db.session.get(BreakGlassGrant, grant_id)
    if grant is None or grant.admin_id != current_user.id:
        abort(404)
    break_glass.close_grant(current_user, grant)
    flash("Break-glass access is closed.", "info")
    return redirect(url_for("cohorts.show", cohort_id=grant.cohort_id))
