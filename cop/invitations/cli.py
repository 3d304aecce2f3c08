"""``cop invite create``: an invitation link from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from cop.cli import cop_group
from cop.cohorts.cli import load_cohort, refuse
from cop.errors import UserFacingError


@cop_group.group("invite")
def invite_group() -> None:
    """Invitation links."""


@invite_group.command("create")
@click.argument("cohort")
@click.option("--role", type=click.Choice(["member", "facilitator"]), default="member",
              show_default=True)
@click.option("--email", help="Only this address may use it; the link is mailed there too.")
@click.option("--expires", default="7d", show_default=True,
              help="Lifetime: a number and m, h, d or w (30m, 12h, 7d, 2w).")
@click.option("--uses", default=1, show_default=True, type=click.IntRange(1, 100),
              help="How many people may join with it.")
@with_appcontext
def create(cohort: str, role: str, email: str | None, expires: str, uses: int) -> None:
    """Create an invitation to COHORT (an id or an exact name) and print its link."""
    from cop.cohorts.models import Role
    from cop.invitations.services import create_invitation, invitation_link, parse_expiry

    found = load_cohort(cohort)
    # Links are built on COP_BASE_URL; a request context lets url_for work outside a server.
    with current_app.test_request_context("/"):
        try:
            invitation = create_invitation(None, found, role=Role(role), email=email,
                                           expires_in=parse_expiry(expires), max_uses=uses)
        except UserFacingError as error:
            raise refuse(error) from None
        click.echo(invitation_link(invitation))
