"""Timed work for prompts, run by ``cop tick``."""

from __future__ import annotations

from datetime import datetime

from cop.prompts.services import announce_due_prompts
from cop.tick import tick_job


@tick_job("prompts.announce")
def announce_released_prompts(now: datetime) -> int:
    """Tell members about prompts released since the last run (once each, ever)."""
    return announce_due_prompts(now)
