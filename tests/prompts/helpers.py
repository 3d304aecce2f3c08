"""Small helpers shared by the prompt tests."""

from __future__ import annotations

from sqlalchemy import func, select

from cop.extensions import db
from cop.notifications.models import Notification


def notifications(app, user_id: int, kind: str | None = None) -> list[Notification]:
    with app.app_context():
        query = select(Notification).where(Notification.user_id == user_id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = db.session.scalars(query.order_by(Notification.id)).all()
        db.session.expunge_all()
        return list(rows)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
