"""Crisis lines shown on every page and on /crisis.

Phone numbers become ``tel:`` links so one tap on a phone places the call.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisLine:
    name: str
    region: str
    how: str
    tel: str | None = None
    sms: str | None = None


CRISIS_LINES: tuple[CrisisLine, ...] = (
    CrisisLine("Emergency services", "Canada and US", "Call 911 if you or someone is in danger now.",
               tel="911"),
    CrisisLine("9-8-8 Suicide Crisis Helpline", "Canada", "Call or text 9-8-8, any time.",
               tel="988", sms="988"),
    CrisisLine("988 Suicide & Crisis Lifeline", "United States", "Call or text 988, any time.",
               tel="988", sms="988"),
    CrisisLine("Crisis Text Line", "United States", "Text HOME to 741741.", sms="741741"),
)
