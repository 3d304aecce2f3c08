"""Cohort pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cop.cohorts.models import Membership
from cop.extensions import db
from cop.permissions import get_cohort_or_404

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.get("/<int:cohort_id>")
def show(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id)
    memberships = db.session.scalars(
        select(Membership).options(selectinload(Membership.user))
        .where(Membership.cohort_id == cohort.id, Membership.removed_at.is_(None))
        .order_by(Membership.role, Membership.joined_at)).all()
    return render_template("cohorts/show.html", cohort=cohort, memberships=memberships)
