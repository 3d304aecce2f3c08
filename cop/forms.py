"""Helpers shared by every feature's forms."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
