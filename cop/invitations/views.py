"""Invitation links: the public invite page, and managing a cohort's invitations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.wrappers import Response

from cop.cohorts.models import Cohort, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db, limiter
from cop.forms import attach_error, refusal_flashed, refusal_shown_on
from cop.invitations import services
from cop.invitations.forms import CsvImportForm, InvitationForm, JoinForm, RegisterForm
from cop.invitations.models import Invitation
from cop.invitations.services import InvitationProblem
from cop.permissions import Action, get_cohort_or_404, load_or_404

bp = Blueprint("invitations", __name__)

# How each problem answers: gone for good, not for you, or a conflict.
PROBLEM_STATUS = {"not_found": 404, "revoked": 410, "expired": 410, "used_up": 410,
                  "archived": 410, "wrong_email": 403, "full": 409, "already_member": 409}


def _problem(error: InvitationProblem, invitation: Invitation | None = None) -> tuple[str, int]:
    return render_template("invitations/problem.html", problem=error,
                           invitation=invitation), PROBLEM_STATUS.get(error.code, 400)


def _registration_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def show(token: str) -> str | Response | tuple[str, int]:
    try:
        invitation = services.check_invitation(token)
        if current_user.is_authenticated:
            services.check_can_join(invitation, current_user)
        else:
            services.check_has_room(invitation)
    except InvitationProblem as error:
        return _problem(error)
    if current_user.is_authenticated:
        return render_template("invitations/join.html", invitation=invitation, form=JoinForm())
    form = RegisterForm(email=invitation.email, display_name=invitation.display_name,
                        timezone=invitation.cohort.timezone)
    if form.validate_on_submit():
        try:
            user = services.register_from_invitation(
                token, email=form.email.data, display_name=form.display_name.data,
                password=form.password.data, timezone=form.timezone.data)
        except InvitationProblem as error:
            return _problem(error)
        except UserFacingError as error:
            attach_error(form, error)
        else:
            login_user(user)
            flash(f"Welcome to {invitation.cohort.name}.", "success")
            return redirect(url_for("cohorts.show", cohort_id=invitation.cohort_id))
    return render_template("invitations/register.html", invitation=invitation, form=form)


@bp.post("/invite/<token>/join")
@login_required
def join(token: str) -> Response | tuple[str, int]:
    if not JoinForm().validate_on_submit():
        return redirect(url_for("invitations.show", token=token))
    try:
        membership = services.accept_invitation(token, current_user)
    except InvitationProblem as error:
        return _problem(error)
    flash(f"Welcome to {membership.cohort.name}.", "success")
    return redirect(url_for("cohorts.show", cohort_id=membership.cohort_id))


@bp.route("/admin/cohorts/<int:cohort_id>/invitations", methods=["GET", "POST"])
@login_required
def manage(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.INVITE_MEMBERS)
    form = InvitationForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            invitation = services.create_invitation(
                current_user, cohort, role=Role(form.role.data), email=form.email.data,
                expires_in=services.parse_expiry(form.expires.data), max_uses=form.max_uses.data)
            flash("The invitation is ready" + (" and mailed." if invitation.email else
                                               ": copy its link below."), "success")
            return redirect(url_for("invitations.manage", cohort_id=cohort.id))
    return _manage_page(cohort, form, CsvImportForm(prefix="csv"))


def _manage_page(cohort: Cohort, form: InvitationForm, csv_form: CsvImportForm,
                 csv_problems: list[str] | None = None) -> str:
    return render_template("admin/cohort_invitations.html", cohort=cohort, form=form,
                           csv_form=csv_form, csv_problems=csv_problems or [],
                           invitations=services.invitations_of(cohort), now=utcnow(),
                           link=services.invitation_link)


@bp.post("/admin/cohorts/<int:cohort_id>/invitations/import")
@login_required
def import_csv(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.INVITE_MEMBERS)
    csv_form = CsvImportForm(prefix="csv")
    if csv_form.validate_on_submit():
        try:
            text = csv_form.file.data.read().decode("utf-8-sig")
            invitations = services.import_invitations_csv(
                current_user, cohort, text, expires_in=services.parse_expiry(csv_form.expires.data))
        except UnicodeDecodeError:
            csv_form.file.errors = ["The file is not UTF-8 text. Nothing was imported."]
        except services.CsvImportError as error:
            csv_form.file.errors = ["Nothing was imported. Correct these lines and upload the "
                                    "whole file again:"]
            return _manage_page(cohort, InvitationForm(formdata=None), csv_form, error.problems)
        except UserFacingError as error:
            db.session.rollback()
            attach_error(csv_form, error)
        else:
            flash(f"{len(invitations)} invitations are created and mailed.", "success")
            return redirect(url_for("invitations.manage", cohort_id=cohort.id))
    return _manage_page(cohort, InvitationForm(formdata=None), csv_form)


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(invitation_id: int) -> Response:
    invitation = load_or_404(Invitation, invitation_id, Action.INVITE_MEMBERS)
    with refusal_flashed():
        if invitation.role == Role.FACILITATOR:
            get_cohort_or_404(invitation.cohort_id, Action.MANAGE_COHORT)
        services.revoke_invitation(current_user, invitation)
        flash("The invitation is withdrawn.", "success")
    return redirect(url_for("invitations.manage", cohort_id=invitation.cohort_id))
