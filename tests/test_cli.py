"""The ``cop`` command line: real subprocesses against a fresh database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli_helpers import run_cop


@pytest.fixture(scope="module")
def upgraded_database(tmp_path_factory) -> Path:
    """One migrated database per module; each test works on its own copy."""
    root = tmp_path_factory.mktemp("cli-template")
    env = {"COP_INSTANCE_PATH": str(root / "instance"),
           "COP_DATABASE_URL": f"sqlite:///{root / 'cli.db'}"}
    result = run_cop("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    return root / "cli.db"


@pytest.fixture
def cli_env(tmp_path, upgraded_database):
    shutil.copy(upgraded_database, tmp_path / "cli.db")
    return {"COP_INSTANCE_PATH": str(tmp_path / "instance"),
            "COP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def _count(env, sql: str) -> int:
    engine = create_engine(env["COP_DATABASE_URL"])
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def test_db_upgrade_is_idempotent(cli_env):
    result = run_cop("db", "upgrade", env=cli_env)
    assert result.returncode == 0
    assert "up to date" in result.stdout


def test_create_user_with_password(cli_env):
    result = run_cop("create-user", "Chief@Example.org", "--name", "Chief", "--password",
                     "a long enough password", "--admin", env=cli_env)
    assert result.returncode == 0, result.stderr
    assert "Created admin Chief <chief@example.org>" in result.stdout
    assert _count(cli_env, "select count(*) from users where is_admin") == 1


def test_create_user_prompts_for_the_password(cli_env):
    result = run_cop("create-user", "p@example.org", "--name", "P", env=cli_env,
                     input="prompted password\nprompted password\n")
    assert result.returncode == 0, result.stderr
    assert _count(cli_env, "select count(*) from users") == 1


@pytest.mark.parametrize(("args", "message"), [
    (["create-user", "x@example.org"], "Missing option '--name'"),
    (["create-user", "not-an-email", "--name", "X", "--password", "long enough pw"],
     "not valid"),
    (["create-user", "x@example.org", "--name", "X", "--password", "short"], "at least 10"),
    (["create-user", "x@example.org", "--name", "X", "--password", "long enough pw",
      "--tz", "Nowhere/Land"], "Unknown time zone"),
    (["serve", "--port", "99999"], "99999"),
    (["no-such-command"], "No such command"),
])
def test_bad_arguments_give_a_clear_message_and_nonzero_exit(cli_env, args, message):
    result = run_cop(*args, env=cli_env)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_user_is_refused(cli_env):
    args = ("create-user", "dup@example.org", "--name", "D", "--password", "long enough pw")
    assert run_cop(*args, env=cli_env).returncode == 0
    result = run_cop(*args, env=cli_env)
    assert result.returncode != 0
    assert "already exists" in result.stderr


def test_demo_is_idempotent_and_prints_logins(cli_env):
    first = run_cop("demo", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert "facilitator@demo.cop" in first.stdout and "member1@demo.cop" in first.stdout
    counts = (_count(cli_env, "select count(*) from users"),
              _count(cli_env, "select count(*) from memberships"),
              _count(cli_env, "select count(*) from meetings"))
    second = run_cop("demo", env=cli_env)
    assert second.returncode == 0
    assert counts == (_count(cli_env, "select count(*) from users"),
                      _count(cli_env, "select count(*) from memberships"),
                      _count(cli_env, "select count(*) from meetings"))
    assert counts[0] == 7 and counts[1] == 6


def test_demo_is_refused_in_production(cli_env):
    result = run_cop("demo", env={**cli_env, "COP_ENV": "production", "COP_SECRET_KEY": "k"})
    assert result.returncode != 0
    assert "refused in production" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(cli_env):
    env = {**cli_env, "COP_ENV": "production"}
    env.pop("COP_SECRET_KEY", None)
    result = run_cop("db", "upgrade", env={**env, "COP_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "COP_SECRET_KEY must be set" in result.stderr


def test_bad_config_value_is_reported(cli_env):
    result = run_cop("db", "upgrade", env={**cli_env, "COP_ASYNC_MODE": "tornado"})
    assert result.returncode != 0
    assert "COP_ASYNC_MODE must be one of" in result.stderr


def test_development_secret_key_is_generated_once_and_kept(cli_env, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    run_cop("db", "upgrade", env=cli_env)
    assert key_file.exists()
    first = key_file.read_text()
    run_cop("db", "upgrade", env=cli_env)
    assert key_file.read_text() == first and len(first) >= 64
    assert oct(key_file.stat().st_mode)[-3:] == "600"
