"""The ``cop`` command group. Features add their own subcommands at the bottom."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from cop.errors import UserFacingError


@click.group("cop", help="cop: community-of-practice peer integration groups.")
def cop_group() -> None:
    pass


@cop_group.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


@cop_group.command("create-user")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name others will see.")
@click.option("--password", help="Initial password (prompted for when left out).")
@click.option("--admin", "is_admin", is_flag=True, help="Make the account an administrator.")
@click.option("--tz", "timezone", default="UTC", show_default=True, help="IANA time zone.")
@with_appcontext
def create_user(email: str, display_name: str, password: str | None, is_admin: bool,
                timezone: str) -> None:
    """Create an account."""
    from cop.admin.services import create_user as create
    from cop.extensions import db

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create(None, email, display_name, password, timezone=timezone, is_admin=is_admin)
    except UserFacingError as error:
        db.session.rollback()
        raise click.UsageError(error.message) from None
    click.echo(f"Created {'admin ' if is_admin else ''}{user.display_name} <{user.email}> "
               f"(id {user.id}).")


@cop_group.command("demo")
@with_appcontext
def demo() -> None:
    """Seed the demo cohort (idempotent) and print the demo sign-ins."""
    from cop.demo import DEMO_PASSWORD, seed_demo

    if current_app.config["COP_ENV"] == "production":
        raise click.UsageError("The demo has well-known passwords; it is refused in production.")
    logins = seed_demo()
    click.echo(f"Demo ready. Every demo account's password is: {DEMO_PASSWORD}")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")


@cop_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", "with_demo", is_flag=True,
              help="Upgrade the database and seed the demo first.")
@with_appcontext
def serve(host: str, port: int, with_demo: bool) -> None:
    """Serve cop (eventlet by default; COP_ASYNC_MODE=gevent also works)."""
    from cop.serving import run

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if with_demo:
        click.get_current_context().invoke(db_upgrade)
        click.get_current_context().invoke(demo)
    run(app, host, port)


# Feature subcommands attach themselves to the group when imported.
from cop import tick as _tick  # noqa: E402, F401
from cop.cohorts import cli as _cohorts_cli  # noqa: E402, F401
from cop.invitations import cli as _invitations_cli  # noqa: E402, F401
