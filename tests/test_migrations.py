"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import cop.models  # noqa: F401  (complete metadata)
from cop.db import managed_by_migrations
from cop.extensions import db
from tests.cli_helpers import run_cop
from tests.services import throwaway_postgres_database


def _assert_no_difference(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": managed_by_migrations})
        difference = compare_metadata(context, db.metadata)
    engine.dispose()
    assert difference == [], f"models and migrations differ: {difference}"


def test_sqlite_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    result = run_cop("db", "upgrade", env={"COP_DATABASE_URL": url,
                                           "COP_INSTANCE_PATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    _assert_no_difference(url)


@pytest.mark.services
def test_postgresql_migrations_match_models(tmp_path):
    with throwaway_postgres_database("cop_migrations") as url:
        result = run_cop("db", "upgrade", env={"COP_DATABASE_URL": url,
                                               "COP_INSTANCE_PATH": str(tmp_path)})
        assert result.returncode == 0, result.stderr
        _assert_no_difference(url)
