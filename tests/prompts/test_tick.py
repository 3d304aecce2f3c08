"""``cop tick``: announcing released prompts exactly once, whoever runs it and how often."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import cop.models  # noqa: F401  (the whole schema)
from cop.auth.models import User
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.db import utcnow
from cop.discussions.models import Thread
from cop.extensions import db
from cop.notifications.models import Notification
from cop.prompts.models import Prompt, ReleaseKind
from cop.tick import registered_jobs, run_scheduler, run_tick
from tests import factories
from tests.cli_helpers import PROJECT_ROOT, run_cop
from tests.prompts.helpers import notifications
from tests.services import throwaway_postgres_database


def test_tick_announces_a_release_once(app, world):
    prompt = factories.make_prompt(world.cohort, release_kind=ReleaseKind.AFTER_MEETING,
                                   release_at=None, release_meeting_number=1,
                                   author_id=world.facilitator.id)
    with app.app_context():
        # Meeting 1 is still running: nothing is due.
        assert run_tick()[0].done == 0
        later = utcnow() + timedelta(hours=2)
        results = run_tick(now=later)
        assert [(r.name, r.done, r.error) for r in results] == [("prompts.announce", 1, None)]
        assert run_tick(now=later)[0].done == 0
        assert db.session.get(Prompt, prompt.id).thread_id is not None
    assert len(notifications(app, world.member.id, "prompt.released")) == 1


def test_a_failing_job_does_not_stop_the_others(app, monkeypatch):
    import cop.tick as tick

    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(tick._registry, "zz.broken", tick.TickJob("zz.broken", broken, ""))
    with app.app_context():
        results = {r.name: r for r in run_tick()}
    assert results["zz.broken"].error == "RuntimeError: boom"
    assert results["prompts.announce"].error is None


def test_the_in_process_scheduler_runs_the_same_jobs(app, world):
    factories.make_prompt(world.cohort, author_id=world.facilitator.id)
    run_scheduler(app, interval=0.01, iterations=2)
    assert len(notifications(app, world.member.id, "prompt.released")) == 1


def test_registry_lists_the_prompt_job():
    assert "prompts.announce" in {job.name for job in registered_jobs()}


def test_cop_tick_command(tmp_path):
    env = {"COP_INSTANCE_PATH": str(tmp_path), "COP_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}
    assert run_cop("db", "upgrade", env=env).returncode == 0
    listed = run_cop("tick", "--list", env=env)
    assert listed.returncode == 0 and "prompts.announce" in listed.stdout
    result = run_cop("tick", env=env)
    assert result.returncode == 0, result.stderr
    assert "prompts.announce: 0" in result.stdout
    bad = run_cop("tick", "--job", "nope", env=env)
    assert bad.returncode != 0 and "No tick job named 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


# Two real `cop tick` processes at once on PostgreSQL --------------------------------

PROMPTS, MEMBERS = 30, 8


def _seed(url: str) -> None:
    engine = create_engine(url)
    db.metadata.create_all(engine)
    with Session(engine) as session:
        cohort = Cohort(name="Concurrency", timezone="UTC", status=CohortStatus.ACTIVE)
        facilitator = User(email="f@example.org", display_name="F", password_hash="x")
        session.add_all([cohort, facilitator])
        session.flush()
        session.add(Membership(cohort_id=cohort.id, user_id=facilitator.id,
                               role=Role.FACILITATOR))
        for n in range(MEMBERS):
            member = User(email=f"m{n}@example.org", display_name=f"M{n}", password_hash="x")
            session.add(member)
            session.flush()
            session.add(Membership(cohort_id=cohort.id, user_id=member.id, role=Role.MEMBER))
        for n in range(PROMPTS):
            session.add(Prompt(cohort_id=cohort.id, author_id=facilitator.id, title=f"P{n}",
                               body="b", release_kind=ReleaseKind.AT_TIME,
                               release_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    engine.dispose()


@pytest.mark.services
def test_two_concurrent_ticks_on_postgresql_notify_exactly_once(tmp_path):
    with throwaway_postgres_database("cop_tick") as url:
        _seed(url)
        env = {**os.environ, "COP_DATABASE_URL": url, "COP_INSTANCE_PATH": str(tmp_path),
               "COP_SECRET_KEY": "k"}
        runs = [subprocess.Popen([sys.executable, "-m", "cop.console", "tick"], cwd=PROJECT_ROOT,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(3)]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], outputs
        done = sorted(int(out.strip().rsplit(":", 1)[1]) for out, _ in outputs)
        print("notifications sent by each process:", done)
        assert sum(done) == PROMPTS * MEMBERS, outputs
        engine = create_engine(url)
        with engine.connect() as connection:
            released = connection.execute(select(func.count()).select_from(Notification)
                                          .where(Notification.kind == "prompt.released")).scalar()
            per_person = connection.execute(
                select(Notification.user_id, Notification.dedupe_key, func.count())
                .group_by(Notification.user_id, Notification.dedupe_key)
                .having(func.count() > 1)).all()
            threads = connection.execute(select(func.count()).select_from(Thread)).scalar()
            unannounced = connection.execute(select(func.count()).select_from(Prompt).where(
                Prompt.announced_at.is_(None) | Prompt.thread_id.is_(None))).scalar()
        engine.dispose()
        assert released == PROMPTS * MEMBERS and per_person == []
        assert threads == PROMPTS and unannounced == 0
        # A later run finds nothing to do.
        again = subprocess.run([sys.executable, "-m", "cop.console", "tick"], cwd=PROJECT_ROOT,
                               env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and "prompts.announce: 0" in again.stdout


@pytest.mark.realserver
def test_cop_serve_runs_the_tick_in_process_when_asked(app, world, tmp_path):
    import time

    from tests.server import ServerProcess

    factories.make_prompt(world.cohort, author_id=world.facilitator.id)
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance",
                           extra_env={"COP_TICK_INTERVAL": "1"})
    server.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not notifications(app, world.member.id):
            time.sleep(0.2)
    finally:
        server.stop()
    assert [n.kind for n in notifications(app, world.member.id)] == ["prompt.released"], server.log()


def test_release_waits_for_a_facilitator_to_open_it_and_is_retried(app, world):
    """The thread is opened as the prompt's author; if no facilitator is left, the claim
    is undone and a later tick (after one is enrolled) finishes the job."""
    prompt = factories.make_prompt(world.cohort, author_id=world.facilitator.id)
    with app.app_context():
        membership = db.session.scalar(select(Membership).filter_by(user_id=world.facilitator.id))
        membership.removed_at = utcnow()
        db.session.commit()
        assert run_tick()[0].done == 0
        assert db.session.get(Prompt, prompt.id).announced_at is None
    assert notifications(app, world.member.id) == []
    replacement = factories.make_user(display_name="New Facilitator")
    factories.enroll(replacement, world.cohort, Role.FACILITATOR)
    with app.app_context():
        assert run_tick()[0].done == 1
        thread = db.session.get(Prompt, prompt.id).thread
        assert thread.author_id == replacement.id
