"""Helpers shared by every feature's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from cop.errors import UserFacingError


def attach_error(form: FlaskForm, error: UserFacingError) -> None:
    """Show a service's refusal beside the field it concerns (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
