"""Helpers shared by every feature's forms."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash
from flask_wtf import FlaskForm

from cop.errors import UserFacingError
from cop.extensions import db


def attach_error(form: FlaskForm, error: UserFacingError) -> None:
    """Show a service's refusal beside the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@contextmanager
def refusal_shown_on(form: FlaskForm) -> Iterator[None]:
    """Run a form's service call; a refusal rolls back and lands on the form.

    ``with refusal_shown_on(form): do_it(); return redirect(...)`` — on UserFacingError
    nothing is half-saved, the block is left, and the view renders the form again with
    the message beside its field and everything the person typed.
    """
    try:
        yield
    except UserFacingError as error:
        db.session.rollback()
        attach_error(form, error)


def flash_refusal(error: UserFacingError) -> None:
    """Undo the half-done change and show the refusal on the next page."""
    db.session.rollback()
    flash(error.message, "error")


@contextmanager
def refusal_flashed() -> Iterator[None]:
    """``refusal_shown_on`` for actions with no form to show again (a button, a link):
    a refusal rolls back, becomes an error message on the next page, and leaves the block.
    """
    try:
        yield
    except UserFacingError as error:
        flash_refusal(error)
