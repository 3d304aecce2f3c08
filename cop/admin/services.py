"""Admin rules for accounts; every change is audited."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from cop.audit.services import record
from cop.auth.models import User
from cop.auth.services import add_user, set_password
from cop.errors import UserFacingError
from cop.extensions import db

log = logging.getLogger(__name__)


def create_user(actor: User | None, email: str, display_name: str, password: str, *,
                timezone: str = "UTC", is_admin: bool = False) -> User:
    """Create an account and audit it. Raises UserFacingError naming the field."""
    user = add_user(email, display_name, password, timezone=timezone, is_admin=is_admin)
    record(actor, "user.create", "user", user.id, is_admin=is_admin)
    db.session.commit()
    return user


def update_user(actor: User, user: User, *, display_name: str, timezone: str, is_admin: bool,
                is_active: bool, password: str | None) -> None:
    """Apply an admin's edit. An admin cannot lock themselves out or remove the last admin."""
    if user.id == actor.id and (not is_admin or not is_active):
        raise UserFacingError("You cannot remove your own admin rights or deactivate yourself.",
                              field="is_admin" if not is_admin else "is_active")
    if user.is_admin and not is_admin and _admin_count() <= 1:
        raise UserFacingError("At least one admin must remain.", field="is_admin")
    changes = {}
    if user.is_admin != is_admin:
        changes["is_admin"] = is_admin
    if user.is_active != is_active:
        changes["is_active"] = is_active
        if not is_active:
            user.rotate_session_token()  # signs them out everywhere
    user.display_name = display_name.strip()
    user.timezone = timezone
    user.is_admin = is_admin
    user.is_active = is_active
    if password:
        set_password(user, password)
        changes["password_reset"] = True
    record(actor, "user.update", "user", user.id, **changes)
    db.session.commit()
    log.info("user %s updated by %s", user.id, actor.id)


def _admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.is_admin.is_(True), User.is_active.is_(True))) or 0
