"""Account rules: creating people, signing in, and resetting passwords."""

from __future__ import annotations

import logging

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from cop.auth.models import User
from cop.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.mail import send_mail
from cop.timefmt import is_valid_timezone
from cop.urls import absolute_url

log = logging.getLogger(__name__)

_RESET_SALT = "cop.password-reset"


def normalise_email(email: str) -> str:
    """Lower-cased and syntax-checked; raises UserFacingError(field="email")."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise UserFacingError(f"That email address is not valid: {error}", field="email") from None
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_new_user(email: str, display_name: str, password: str, timezone: str) -> str:
    """Validate a new account's fields; returns the normalised email."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise UserFacingError("An account with that email already exists.", field="email")
    if not display_name.strip():
        raise UserFacingError("A display name is required.", field="display_name")
    if len(display_name.strip()) > 80:
        raise UserFacingError("Use at most 80 characters.", field="display_name")
    problem = password_problem(password)
    if problem:
        raise UserFacingError(problem, field="password")
    if not is_valid_timezone(timezone):
        raise UserFacingError(f"Unknown time zone {timezone!r}.", field="timezone")
    return email


def add_user(email: str, display_name: str, password: str, *, timezone: str = "UTC",
             is_admin: bool = False) -> User:
    """Validate and add a new account to the session (the caller commits).

    Raises UserFacingError naming the offending field.
    """
    email = check_new_user(email, display_name, password, timezone)
    user = User(email=email, display_name=display_name.strip(), timezone=timezone,
                password_hash=hash_password(password), is_admin=is_admin)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created (admin=%s)", user.id, is_admin)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Upgrades old hashes on the way."""
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so response time does not reveal accounts.
        verify_password(hash_password("timing-equaliser"), password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    log.info("user %s signed in", user.id)
    return user


def set_password(user: User, password: str) -> None:
    """Change the password and end every other session of the user (the caller commits)."""
    problem = password_problem(password)
    if problem:
        raise UserFacingError(problem, field="password")
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    log.info("user %s password changed", user.id)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def make_reset_token(user: User) -> str:
    # The session token changes with the password, so a used link stops working.
    return _serializer().dumps({"uid": user.id, "st": user.session_token})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unexpired, unused reset token belongs to, else None."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active or user.session_token != data.get("st"):
        return None
    return user


def send_password_reset(email: str) -> None:
    """Mail a reset link if an active account has ``email``; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        log.info("password reset asked for an unknown or inactive address")
        return
    link = absolute_url("auth.reset_password", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = render_template("auth/email/reset.txt", user=user, link=link, minutes=minutes)
    send_mail(user.email, "Reset your cop password", body)
    log.info("password reset sent to user %s", user.id)


def reset_password(user: User, password: str) -> None:
    set_password(user, password)
    db.session.commit()
