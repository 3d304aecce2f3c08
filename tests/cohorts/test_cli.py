"""``cop cohort ...`` and ``cop invite create`` as real subprocesses."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import create_engine, text

from tests.cli_helpers import run_cop


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort-cli")
    env = {"COP_INSTANCE_PATH": str(root / "instance"),
           "COP_DATABASE_URL": f"sqlite:///{root / 'cli.db'}"}
    assert run_cop("db", "upgrade", env=env).returncode == 0
    assert run_cop("create-user", "fac@example.org", "--name", "Fac", "--password",
                   "long enough pw", env=env).returncode == 0
    assert run_cop("cohort", "create", "Station 7", "--tz", "America/Vancouver", "--start",
                   "2026-01-06", "--weekly", "Tue 19:00", "--weeks", "12",
                   env=env).returncode == 0
    return root / "cli.db"


@pytest.fixture
def env(tmp_path, template_db):
    shutil.copy(template_db, tmp_path / "cli.db")
    return {"COP_INSTANCE_PATH": str(tmp_path / "instance"),
            "COP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "COP_BASE_URL": "https://cop.example"}


def _rows(env, sql: str) -> list[tuple]:
    engine = create_engine(env["COP_DATABASE_URL"])
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(sql))]
    engine.dispose()
    return rows


def test_create_makes_a_dst_correct_weekly_schedule(env):
    result = run_cop("cohort", "create", "Night Crew", "--tz", "Europe/London", "--start",
                     "2026-03-20", "--weekly", "Tue 19:00", "--weeks", "3", "--duration", "60",
                     env=env)
    assert result.returncode == 0, result.stderr
    assert "Created cohort Night Crew" in result.stdout and "with 3 meetings" in result.stdout
    assert "first: Tue 24 Mar 2026, 19:00 GMT" in result.stdout
    assert "last:  Tue 7 Apr 2026, 19:00 BST" in result.stdout
    rows = _rows(env, "select m.starts_at, m.duration_minutes from meetings m join cohorts c "
                      "on c.id = m.cohort_id where c.name = 'Night Crew' order by m.starts_at")
    assert [str(r[0])[:16] for r in rows] == ["2026-03-24 19:00", "2026-03-31 18:00",
                                              "2026-04-07 18:00"]
    assert {r[1] for r in rows} == {60}


def test_list_shows_each_cohort(env):
    result = run_cop("cohort", "list", env=env)
    assert result.returncode == 0, result.stderr
    assert "Station 7  [active]  0/12 members, 0 facilitators" in result.stdout


def test_enroll_by_name_and_by_id(env):
    result = run_cop("cohort", "enroll", "Station 7", "fac@example.org", "--role",
                     "facilitator", env=env)
    assert result.returncode == 0, result.stderr
    assert "Enrolled Fac in Station 7 as facilitator." in result.stdout
    again = run_cop("cohort", "enroll", "1", "fac@example.org", env=env)
    assert again.returncode != 0 and "already in Station 7" in again.stderr


def test_invite_create_prints_a_working_link(env):
    result = run_cop("invite", "create", "Station 7", "--role", "member", "--expires", "2d",
                     "--uses", "5", env=env)
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert re.fullmatch(r"https://cop\.example/invite/[\w-]{20,}", link)
    token = link.rsplit("/", 1)[1]
    assert _rows(env, f"select role, max_uses from invitations where token = '{token}'") == \
        [("member", 5)]


@pytest.mark.parametrize(("args", "message"), [
    (["cohort", "create", "X", "--tz", "Nowhere/Land", "--start", "2026-01-06"],
     "Unknown time zone"),
    (["cohort", "create", "X", "--tz", "UTC", "--start", "06/01/2026"], "'06/01/2026'"),
    (["cohort", "create", "X", "--tz", "UTC", "--start", "2026-01-06", "--weekly", "Tuesday"],
     'e.g. "Tue 19:00"'),
    (["cohort", "create", "Station 7", "--tz", "UTC", "--start", "2026-01-06"],
     "already has that name"),
    (["cohort", "create", "X", "--start", "2026-01-06"], "Missing option '--tz'"),
    (["cohort", "create", "X", "--tz", "UTC", "--start", "2026-01-06", "--weeks", "99"],
     "99"),
    (["cohort", "enroll", "No Such Cohort", "fac@example.org"], "No cohort has the id or name"),
    (["cohort", "enroll", "Station 7", "ghost@example.org"], "No active account"),
    (["cohort", "enroll", "Station 7", "fac@example.org", "--role", "boss"], "'boss'"),
    (["invite", "create", "Station 7", "--expires", "soon"], "a number and a unit"),
    (["invite", "create", "Station 7", "--email", "not-an-email"], "not valid"),
    (["invite", "create", "Station 7", "--uses", "0"], "0"),
    (["invite", "create", "999"], "No cohort has the id or name"),
])
def test_bad_arguments_give_a_clear_message_and_nonzero_exit(env, args, message):
    result = run_cop(*args, env=env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing half-written: the template's one cohort and its 12 meetings only.
    assert _rows(env, "select count(*) from cohorts") == [(1,)]
    assert _rows(env, "select count(*) from meetings") == [(12,)]
    assert _rows(env, "select count(*) from invitations") == [(0,)]
