"""Invitation rules: creating, checking, accepting, revoking and importing invitations.

Checks come first (``check_invitation``, ``check_can_join``) so a page can explain what is
wrong before anyone types anything; ``accept_invitation`` and ``register_from_invitation``
repeat them inside the transaction that enrols the person.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import select, update

from cop.audit.services import record
from cop.auth.models import User
from cop.auth.services import add_user, find_user_by_email, normalise_email
from cop.cohorts.models import Cohort, Membership, Role
from cop.cohorts.services import enroll, member_count
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.invitations.models import Invitation
from cop.mail import send_mail
from cop.permissions import Action, can
from cop.timefmt import format_local
from cop.urls import absolute_url

log = logging.getLogger(__name__)

MAX_EXPIRY = timedelta(days=90)
MAX_USES = 100
_EXPIRY = re.compile(r"^\s*(\d{1,4})\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class InvitationProblem(UserFacingError):
    """Why an invitation cannot be used; ``code`` picks the explanation page."""


_PROBLEMS = {
    "not_found": "This invitation link is not valid. Check that you copied all of it, or ask "
                 "whoever invited you for a new link.",
    "revoked": "This invitation was withdrawn. Ask whoever invited you for a new link.",
    "expired": "This invitation has expired. Ask whoever invited you for a new link.",
    "used_up": "This invitation has already been used as many times as it allows. Ask "
               "whoever invited you for a new link.",
    "archived": "This group has finished and no longer takes new people.",
}


def parse_expiry(text: str) -> timedelta:
    """"7d", "12h", "30m", "2w" → timedelta. Raises UserFacingError(field="expires")."""
    match = _EXPIRY.match(text or "")
    if not match:
        raise UserFacingError(f"Give the expiry as a number and a unit m/h/d/w, e.g. 7d "
                              f"(got {text!r}).", field="expires")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _check_role_allowed(actor: User | None, cohort: Cohort, role: Role) -> None:
    # Facilitators may invite members only; facilitator invitations need a cohort manager.
    if role == Role.FACILITATOR and actor is not None and \
            not can(actor, Action.MANAGE_COHORT, cohort):
        raise UserFacingError("Only an admin can invite facilitators.", field="role")


def create_invitation(actor: User | None, cohort: Cohort, *, role: Role = Role.MEMBER,
                      email: str | None = None, expires_in: timedelta = timedelta(days=14),
                      max_uses: int = 1, display_name: str | None = None,
                      commit: bool = True) -> Invitation:
    """Create an invitation link (mailed when bound to an email, after commit).

    Raises UserFacingError for an archived cohort, a facilitator invitation by someone
    who may not make one, an invalid email, an expiry outside 1 minute-90 days or uses
    outside 1-100.
    """
    cohort.ensure_writable()
    _check_role_allowed(actor, cohort, role)
    email = normalise_email(email) if email and email.strip() else None
    if not timedelta(minutes=1) <= expires_in <= MAX_EXPIRY:
        raise UserFacingError("An invitation lasts from 1 minute to 90 days.", field="expires")
    if not 1 <= max_uses <= MAX_USES:
        raise UserFacingError(f"Allow 1 to {MAX_USES} uses.", field="max_uses")
    invitation = Invitation(cohort=cohort, role=role, email=email, max_uses=max_uses,
                            display_name=(display_name or "").strip()[:80] or None,
                            expires_at=utcnow() + expires_in,
                            created_by_id=actor.id if actor else None)
    db.session.add(invitation)
    db.session.flush()
    record(actor, "invitation.create", "invitation", invitation.id, cohort_id=cohort.id,
           role=role.value, bound=email is not None, max_uses=max_uses)
    if commit:
        db.session.commit()
        if email:
            send_invitation_mail(invitation)
    log.info("invitation %s to cohort %s created by %s", invitation.id, cohort.id,
             actor.id if actor else "system")
    return invitation


def invitation_link(invitation: Invitation) -> str:
    return absolute_url("invitations.show", token=invitation.token)


def send_invitation_mail(invitation: Invitation) -> None:
    """Mail the link to the bound address. The mail names the cohort and nothing else."""
    if not invitation.email:
        return
    body = render_template("invitations/email/invite.txt", invitation=invitation,
                           link=invitation_link(invitation),
                           expires=format_local(invitation.expires_at, invitation.cohort.timezone))
    send_mail(invitation.email, f"You are invited to join {invitation.cohort.name} on cop", body)


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Withdraw an invitation; its link then shows the "withdrawn" page."""
    invitation.revoke(utcnow())
    record(actor, "invitation.revoke", "invitation", invitation.id,
           cohort_id=invitation.cohort_id)
    db.session.commit()
    log.info("invitation %s revoked by %s", invitation.id, actor.id)


def check_invitation(token: str, now: datetime | None = None) -> Invitation:
    """The usable invitation with ``token``. Raises InvitationProblem (not_found, revoked,
    expired, used_up, archived)."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if invitation is None:
        raise InvitationProblem(_PROBLEMS["not_found"], code="not_found")
    state = invitation.state(now or utcnow())
    if state != "usable":
        raise InvitationProblem(_PROBLEMS[state], code=state)
    if invitation.cohort.is_archived:
        raise InvitationProblem(_PROBLEMS["archived"], code="archived")
    return invitation


def check_can_join(invitation: Invitation, user: User) -> None:
    """Raises InvitationProblem (wrong_email, already_member, full) for this person."""
    cohort = invitation.cohort
    if invitation.email and user.email.lower() != invitation.email:
        raise InvitationProblem(
            f"This invitation was sent to a different email address than the one of the "
            f"account you are signed in with ({user.email}). Sign out and use the right "
            f"account, or ask for a new link.", code="wrong_email")
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user.id,
        Membership.removed_at.is_(None)))
    if membership is not None:
        raise InvitationProblem(f"You are already in {cohort.name}.", code="already_member")
    check_has_room(invitation)


def check_has_room(invitation: Invitation) -> None:
    """Raises InvitationProblem("full") when a member invitation meets a full cohort."""
    cohort = invitation.cohort
    if invitation.role == Role.MEMBER and member_count(cohort) >= cohort.capacity:
        raise InvitationProblem(f"{cohort.name} is full. Please contact whoever invited you.",
                                code="full")


def _use(invitation: Invitation, user: User) -> Membership:
    check_can_join(invitation, user)
    # Atomic: two people racing for the last use cannot both get in.
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.use_count < Invitation.max_uses,
                                 Invitation.revoked_at.is_(None))
        .values(use_count=Invitation.use_count + 1)).rowcount
    if not claimed:
        raise InvitationProblem(_PROBLEMS["used_up"], code="used_up")
    membership = enroll(invitation.cohort, user, invitation.role)
    record(user, "invitation.accept", "invitation", invitation.id,
           cohort_id=invitation.cohort_id, role=invitation.role.value)
    return membership


def accept_invitation(token: str, user: User) -> Membership:
    """Join the signed-in ``user`` to the invitation's cohort. Raises InvitationProblem."""
    invitation = check_invitation(token)
    try:
        membership = _use(invitation, user)
        db.session.commit()
    except UserFacingError:
        db.session.rollback()
        raise
    log.info("user %s joined cohort %s by invitation %s", user.id, invitation.cohort_id,
             invitation.id)
    return membership


def register_from_invitation(token: str, *, email: str, display_name: str, password: str,
                             timezone: str) -> User:
    """Create the account and enrol it, in one transaction: either both happen or neither.

    A bound invitation uses its own email whatever was typed. Raises InvitationProblem
    for the link, UserFacingError naming a field for the account.
    """
    invitation = check_invitation(token)
    try:
        user = add_user(invitation.email or email, display_name, password, timezone=timezone)
        _use(invitation, user)
        db.session.commit()
    except UserFacingError:
        db.session.rollback()
        raise
    log.info("user %s registered from invitation %s", user.id, invitation.id)
    return user


def invitations_of(cohort: Cohort) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.cohort_id == cohort.id)
                                   .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


# CSV import -------------------------------------------------------------------------

class CsvImportError(UserFacingError):
    """Every problem of a file, each with its line number; nothing was applied."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Nothing was imported. " + " ".join(problems), field="file",
                         code="csv")
        self.problems = problems


def import_invitations_csv(actor: User, cohort: Cohort, text: str, *,
                           expires_in: timedelta = timedelta(days=14)) -> list[Invitation]:
    """Create and mail one invitation per ``email,display_name,role`` row, or none at all.

    A first line ``email,display_name,role`` is taken as a header. Raises CsvImportError
    listing every bad line; raises UserFacingError for an archived cohort.
    """
    cohort.ensure_writable()
    rows = _parse_rows(actor, cohort, text)
    try:
        invitations = [create_invitation(actor, cohort, role=role, email=email,
                                         display_name=name, expires_in=expires_in,
                                         commit=False)
                       for email, name, role in rows]
        db.session.commit()
    except UserFacingError:
        db.session.rollback()
        raise
    for invitation in invitations:
        send_invitation_mail(invitation)
    log.info("%s invitations imported to cohort %s by %s", len(invitations), cohort.id,
             actor.id)
    return invitations


def _parse_rows(actor: User, cohort: Cohort, text: str) -> list[tuple[str, str, Role]]:
    problems: list[str] = []
    rows: list[tuple[str, str, Role]] = []
    seen: dict[str, int] = {}
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise CsvImportError([f"The file is not readable as CSV: {error}."]) from None
    for line_number, fields in enumerate(lines, start=1):
        if not any(cell.strip() for cell in fields):
            continue
        if line_number == 1 and [c.strip().lower() for c in fields] == \
                ["email", "display_name", "role"]:
            continue
        problem, row = _check_row(actor, cohort, fields, seen, line_number)
        if problem:
            problems.append(f"Line {line_number}: {problem}")
        else:
            rows.append(row)  # type: ignore[arg-type]
    if not rows and not problems:
        problems.append("The file has no rows (expected email,display_name,role).")
    new_members = sum(1 for _, _, role in rows if role == Role.MEMBER)
    free = cohort.capacity - member_count(cohort)
    if not problems and new_members > free:
        problems.append(f"The file invites {new_members} members but {cohort.name} has "
                        f"{free} free places.")
    if problems:
        raise CsvImportError(problems)
    return rows


def _check_row(actor: User, cohort: Cohort, fields: list[str], seen: dict[str, int],
               line_number: int) -> tuple[str | None, tuple[str, str, Role] | None]:
    if len(fields) != 3:
        return f"expected 3 values (email,display_name,role), found {len(fields)}.", None
    email, name, role_text = (f.strip() for f in fields)
    try:
        email = normalise_email(email)
    except UserFacingError as error:
        return error.message, None
    if email in seen:
        return f"{email} is already on line {seen[email]}.", None
    seen[email] = line_number
    if not name or len(name) > 80:
        return "a display name of 1 to 80 characters is required.", None
    try:
        role = Role(role_text.lower())
    except ValueError:
        return f"the role must be member or facilitator, not {role_text!r}.", None
    try:
        _check_role_allowed(actor, cohort, role)
    except UserFacingError as error:
        return error.message, None
    existing = find_user_by_email(email)
    if existing is not None and db.session.scalar(select(Membership.id).where(
            Membership.cohort_id == cohort.id, Membership.user_id == existing.id,
            Membership.removed_at.is_(None))):
        return f"{email} is already in {cohort.name}.", None
    return None, (email, name, role)
