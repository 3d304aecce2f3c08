"""Admin: cohorts and their people."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cop.cohorts import services
from cop.cohorts.forms import AddMemberForm, CohortForm, RoleForm
from cop.cohorts.models import Cohort, CohortStatus, ModerationMode, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.forms import refusal_flashed, refusal_shown_on
from cop.permissions import Action, admin_required, get_cohort_or_404
from cop.schedule.services import next_meeting

bp = Blueprint("cohort_admin", __name__, url_prefix="/admin/cohorts")


def _fields(form: CohortForm) -> services.CohortFields:
    return services.CohortFields(
        name=form.name.data or "", timezone=form.timezone.data, description=form.description.data,
        start_date=form.start_date.data, capacity=form.capacity.data,
        moderation_mode=ModerationMode(form.moderation_mode.data))


@bp.get("")
@admin_required
def index() -> str:
    rows = services.cohort_rows()
    upcoming = next_meeting([row.cohort.id for row in rows], utcnow())
    return render_template("admin/cohorts.html", rows=rows, upcoming=upcoming)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> str | Response:
    form = CohortForm(timezone=current_user.timezone, status=CohortStatus.DRAFT.value)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            cohort = services.create_cohort(current_user, _fields(form),
                                            CohortStatus(form.status.data))
            flash(f"{cohort.name} is created. Next: its schedule.", "success")
            return redirect(url_for("schedule_admin.schedule", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def edit(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.MANAGE_COHORT)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.update_cohort(current_user, cohort, _fields(form),
                                   CohortStatus(form.status.data))
            flash(f"{cohort.name} is saved.", "success")
            return redirect(url_for("cohort_admin.edit", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, cohort=cohort)


@bp.route("/<int:cohort_id>/members", methods=["GET", "POST"])
@login_required
def members(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.MANAGE_COHORT)
    form = AddMemberForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            membership = services.add_member(current_user, cohort, form.email.data,
                                             Role(form.role.data))
            flash(f"{membership.user.display_name} is added.", "success")
            return redirect(url_for("cohort_admin.members", cohort_id=cohort.id))
    return render_template("admin/cohort_members.html", cohort=cohort, form=form,
                           memberships=services.current_memberships(cohort),
                           members=services.member_count(cohort))


def _member_change(cohort: Cohort, change: str, user_id: int) -> Response:
    form = RoleForm()
    with refusal_flashed():
        if change == "role":
            if not form.validate_on_submit():
                raise UserFacingError("Choose member or facilitator.")
            services.change_role(current_user, cohort, user_id, Role(form.role.data))
            flash("The role is changed.", "success")
        else:
            services.remove_member(current_user, cohort, user_id)
            flash("The person is removed; what they wrote stays under their name.", "success")
    return redirect(url_for("cohort_admin.members", cohort_id=cohort.id))


@bp.post("/<int:cohort_id>/members/<int:user_id>/role")
@login_required
def change_role(cohort_id: int, user_id: int) -> Response:
    return _member_change(get_cohort_or_404(cohort_id, Action.MANAGE_COHORT), "role", user_id)


@bp.post("/<int:cohort_id>/members/<int:user_id>/remove")
@login_required
def remove_member(cohort_id: int, user_id: int) -> Response:
    return _member_change(get_cohort_or_404(cohort_id, Action.MANAGE_COHORT), "remove", user_id)
