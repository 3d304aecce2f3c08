"""Declarative base, column types and mixins shared by every model.

Datetimes are stored as UTC and always come back timezone-aware, on SQLite (which
keeps no zone) as on PostgreSQL, so no code ever compares naive with aware values.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Search structures a database keeps beside the models (SQLite FTS5 tables with their
# shadow tables, PostgreSQL full-text expression indexes) are named "fts_*": migrations
# create them by hand and autogenerate ignores them.
UNMANAGED_TABLE_PREFIX = "fts_"


def managed_by_migrations(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: False for the unmanaged ``fts_*`` tables and indexes."""
    return not (type_ in {"table", "index"} and (name or "").startswith(UNMANAGED_TABLE_PREFIX))


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that refuses naive input and returns aware values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        # SQLite keeps no zone: store plain UTC so string comparison still orders correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """When a row was created and last changed."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
