"""``cop tick``: the one command a cron job runs for all timed work.

Features register jobs with ``@tick_job("name")`` in a module listed in ``JOB_MODULES``.
Every job must be safe to run repeatedly and from several processes at once: it claims
its work in the database (never in process memory), so a second concurrent tick finds
nothing left to do. One job failing does not stop the others; the exit status says so.

Single-process deployments can skip cron: ``COP_TICK_INTERVAL=60`` makes ``cop serve``
run the same jobs every 60 seconds in a background task (off by default).
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from cop.cli import cop_group
from cop.db import utcnow
from cop.extensions import db, socketio

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

# Modules whose import registers tick jobs. A feature with timed work adds its module here.
JOB_MODULES: tuple[str, ...] = ("cop.prompts.jobs",)


@dataclass(frozen=True)
class TickJob:
    name: str
    run: Callable[[datetime], int]  # does the due work at ``now``; returns how much it did
    description: str


@dataclass(frozen=True)
class JobResult:
    name: str
    done: int
    error: str | None = None


_registry: dict[str, TickJob] = {}


def tick_job(name: str) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    """Register ``function(now) -> int`` as the tick job ``name`` (its docstring describes it)."""

    def register(function: Callable[[datetime], int]) -> Callable[[datetime], int]:
        description = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        _registry[name] = TickJob(name, function, description)
        return function

    return register


def registered_jobs() -> list[TickJob]:
    for module in JOB_MODULES:
        importlib.import_module(module)
    return [_registry[name] for name in sorted(_registry)]


def run_tick(now: datetime | None = None, only: str | None = None) -> list[JobResult]:
    """Run every registered job (or just ``only``) once; needs an app context."""
    now = now or utcnow()
    results = []
    for job in registered_jobs():
        if only is not None and job.name != only:
            continue
        try:
            done = job.run(now)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.exception("tick job %s failed", job.name)
            results.append(JobResult(job.name, 0, f"{type(error).__name__}: {error}"))
        else:
            log.info("tick job %s did %d", job.name, done)
            results.append(JobResult(job.name, done))
    return results


def run_scheduler(app: Flask, interval: float, iterations: int | None = None) -> None:
    """Run the tick every ``interval`` seconds (forever, or ``iterations`` times).

    Meant for ``socketio.start_background_task``: it sleeps through ``socketio.sleep`` so
    it cooperates with eventlet, gevent and threads alike.
    """
    count = 0
    while iterations is None or count < iterations:
        started = time.monotonic()
        with app.app_context():
            try:
                run_tick()
            finally:
                db.session.remove()
        count += 1
        if iterations is None or count < iterations:
            socketio.sleep(max(0.0, interval - (time.monotonic() - started)))


def start_scheduler(app: Flask) -> bool:
    """Start the in-process scheduler when ``TICK_INTERVAL`` is set; True if started."""
    interval = app.config.get("TICK_INTERVAL", 0)
    if not interval:
        return False
    socketio.start_background_task(run_scheduler, app, interval)
    log.info("in-process tick every %s seconds", interval)
    return True


@cop_group.command("tick")
@click.option("--job", "only", help="Run only this job.")
@click.option("--list", "list_jobs", is_flag=True, help="List the registered jobs and exit.")
@with_appcontext
def tick_command(only: str | None, list_jobs: bool) -> None:
    """Do all timed work that is due (run it from cron, e.g. every minute)."""
    jobs = registered_jobs()
    if list_jobs:
        for job in jobs:
            click.echo(f"{job.name:<24} {job.description}")
        return
    if only is not None and only not in {job.name for job in jobs}:
        raise click.UsageError(f"No tick job named {only!r}. Known jobs: "
                               f"{', '.join(job.name for job in jobs)}")
    results = run_tick(only=only)
    for result in results:
        if result.error:
            click.echo(f"{result.name}: FAILED ({result.error})", err=True)
        else:
            click.echo(f"{result.name}: {result.done}")
    if any(result.error for result in results):
        raise SystemExit(1)
