"""Break-glass: the one, audited, announced, expiring way an admin reads cohort content."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cop.admin.models import BreakGlassGrant
from cop.audit.models import AuditEvent
from cop.extensions import db
from cop.notifications.models import Notification
from cop.permissions import Action, can


def _can_read(app, world) -> bool:
    with app.app_context():
        return can(db.session.merge(world.admin), Action.READ_CONTENT, db.session.merge(world.cohort))


def test_admin_reads_content_only_after_break_glass(app, world, client_as):
    assert not _can_read(app, world)
    admin = client_as("admin")
    response = admin.post(f"/admin/cohorts/{world.cohort.id}/break-glass",
                          data={"reason": "Safety concern reported by the clinic tonight"})
    assert response.status_code == 302
    assert _can_read(app, world)
    with app.app_context():
        entry = db.session.scalar(select(AuditEvent).filter_by(action="cohort.break_glass.open"))
        assert entry.cohort_id == world.cohort.id and "Safety concern" in entry.reason
        told = db.session.scalars(select(Notification.user_id)).all()
        assert told == [world.facilitator.id]
        # Read-only: posting and moderating stay closed.
        admin_user, cohort = db.session.merge(world.admin), db.session.merge(world.cohort)
        assert not can(admin_user, Action.PARTICIPATE, cohort)
        assert not can(admin_user, Action.MODERATE, cohort)


def test_thin_reason_is_refused_and_kept(world, client_as):
    response = client_as("admin").post(f"/admin/cohorts/{world.cohort.id}/break-glass",
                                       data={"reason": "because"})
    assert response.status_code == 200
    assert b"at least 15 characters" in response.data and b"because" in response.data


def test_grant_expires_and_can_be_closed(app, world, client_as):
    admin = client_as("admin")
    admin.post(f"/admin/cohorts/{world.cohort.id}/break-glass",
               data={"reason": "Checking a reported privacy breach"})
    with app.app_context():
        grant = db.session.scalar(select(BreakGlassGrant))
        grant_id = grant.id
        grant.expires_at = grant.created_at + timedelta(seconds=0)
        db.session.commit()
    assert not _can_read(app, world)
    with app.app_context():
        grant = db.session.get(BreakGlassGrant, grant_id)
        grant.expires_at = grant.created_at + timedelta(hours=1)
        db.session.commit()
    assert _can_read(app, world)
    assert admin.post(f"/admin/break-glass/{grant_id}/close").status_code == 302
    assert not _can_read(app, world)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).filter_by(action="cohort.break_glass.close"))


def test_members_and_facilitators_cannot_break_glass(world, client_as):
    for role in ("member", "facilitator"):
        response = client_as(role).post(f"/admin/cohorts/{world.cohort.id}/break-glass",
                                        data={"reason": "I would like to read everything"})
        assert response.status_code == 403
