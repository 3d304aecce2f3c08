"""Time zones and showing times in the viewer's own zone, with the zone named."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache


@cache
def all_timezones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")


def is_valid_timezone(name: str) -> bool:
    return name in all_timezones()


def to_zone(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def format_local(moment: datetime | None, zone: str, with_zone: bool = True) -> str:
    """E.g. "Tue 6 Jan 2026, 19:00 PST"; ``zone`` is the viewer's IANA zone."""
    if moment is None:
        return ""
    local = to_zone(moment, zone)
    text = f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
    return f"{text} {local.tzname()}" if with_zone else text
