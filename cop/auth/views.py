"""Sign in and out, password reset, and the profile page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from cop.auth import services
from cop.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from cop.auth.passwords import verify_password
from cop.extensions import db, limiter
from cop.urls import is_safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("home.index"))
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def request_reset() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        flash("If that address belongs to an account, a reset link is on its way. "
              "It works once and expires soon.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    user = services.user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        flash("Your password is changed. Please sign in.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    profile_form = ProfileForm(obj=current_user, prefix="profile")
    password_form = ChangePasswordForm(prefix="pw")
    if request.method == "POST" and "profile-submit" in request.form:
        if profile_form.validate_on_submit():
            current_user.display_name = profile_form.display_name.data.strip()
            current_user.timezone = profile_form.timezone.data
            db.session.commit()
            flash("Your profile is saved.", "success")
            return redirect(url_for("auth.profile"))
    elif request.method == "POST" and "pw-submit" in request.form:
        if password_form.validate_on_submit():
            if verify_password(current_user.password_hash, password_form.current_password.data):
                services.set_password(current_user, password_form.password.data)
                db.session.commit()
                # The rotated session token ended every session, this one included.
                login_user(current_user)
                flash("Your password is changed. Other devices are signed out.", "success")
                return redirect(url_for("auth.profile"))
            password_form.current_password.errors.append("That is not your current password.")
    elif request.method == "POST":
        abort(400)
    return render_template("auth/profile.html", profile_form=profile_form,
                           password_form=password_form)
