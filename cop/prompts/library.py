"""The default themes and the starter library: data written for this project.

Both are seeded into the database on first use (idempotently, safe when two processes
race), after which they are ordinary rows: admins add themes, facilitators add prompts.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cop.extensions import db
from cop.prompts.models import LibraryPrompt, Theme

log = logging.getLogger(__name__)

# (slug, name, what it covers)
DEFAULT_THEMES: tuple[tuple[str, str, str], ...] = (
    ("sleep", "Sleep", "Falling asleep, nightmares, waking at night, rest."),
    ("sensory-tolerance", "Sensory tolerance", "Alarms, sirens, crowds, smells and noise."),
    ("music", "Music", "What we listen to, during sessions and after."),
    ("sense-of-time", "Sense of time", "Time stretching, shrinking, or getting stuck."),
    ("relationships-family", "Relationships and family", "Partners, kids, friends, crew."),
    ("work-return-to-duty", "Work and return to duty", "Shifts, calls, the station, going back."),
    ("self-care", "Self-care", "Food, movement, rest, asking for help."),
    ("meaning", "Meaning", "What the work and the healing mean to us."),
)

# (key, week, title, body, theme slugs). Week N is released after meeting N.
STARTER_PROMPTS: tuple[tuple[str, int, str, str, tuple[str, ...]], ...] = (
    ("arriving", 1, "Arriving",
     "You made it to week one. What brought you to this program, and what do you hope "
     "is different by week twelve?\n\nA sentence is plenty. There is no wrong answer.",
     ("meaning", "self-care")),
    ("sleep-since-session", 2, "Sleep since the session",
     "How has your sleep been since the last session? Think about falling asleep, "
     "waking in the night, and dreams.\n\nIf something shifted, even a little, what was it?",
     ("sleep",)),
    ("sirens-this-week", 3, "A siren this week",
     "What did a siren, an alarm or a tone do to you this week? Where were you, what "
     "happened in your body, and how long did it take to settle?",
     ("sensory-tolerance", "work-return-to-duty")),
    ("the-playlist", 4, "The playlist",
     "Is there a piece of music from the session that has stayed with you? What comes "
     "back when you hear it now, or when you avoid it?",
     ("music",)),
    ("time-moving", 5, "How time is moving",
     "Some people notice time stretching or shrinking after a treatment session. How has "
     "time felt to you lately: on shift, at home, in the small hours?",
     ("sense-of-time",)),
    ("at-home", 6, "Home this week",
     "Who at home has noticed a change in you, and what did they say or do? What would "
     "you want them to understand that is hard to say out loud?",
     ("relationships-family",)),
    ("crowds-and-noise", 7, "Crowds and noise",
     "Think of a crowded or loud place you were in this week: a store, a game, a "
     "family dinner. What did you notice about where you put yourself in the room?",
     ("sensory-tolerance",)),
    ("one-good-thing", 8, "One thing you did for yourself",
     "Name one thing you did for yourself this week, however small: a walk, a meal, "
     "saying no. What made it possible, and what gets in the way of doing it again?",
     ("self-care",)),
    ("the-crew", 9, "The crew",
     "How are things with your crew or partner at work? Has anything changed in how you "
     "talk about calls, or in what you keep to yourself?",
     ("work-return-to-duty", "relationships-family")),
    ("nights-again", 10, "Nights, revisited",
     "We asked about sleep in week two. Looking back from here, what has changed about "
     "your nights, and what has not changed yet?",
     ("sleep", "self-care")),
    ("going-back", 11, "Going back",
     "If you are on leave or on light duty: what would a good first shift back look like? "
     "If you are working: what is one thing you do differently now?",
     ("work-return-to-duty", "meaning")),
    ("what-you-carry", 12, "What you carry forward",
     "This is the last week of the program. What do you want to carry forward from these "
     "twelve weeks, and what would you tell someone starting week one?",
     ("meaning", "relationships-family")),
)


def _seeded(model: type, build: list) -> None:
    # Two processes may seed at the same moment: each row goes in inside a savepoint and
    # a unique-key clash means the other process already added it.
    for obj in build:
        try:
            with db.session.begin_nested():
                db.session.add(obj)
        except IntegrityError:
            log.info("%s already seeded by another process", model.__name__)


def ensure_default_themes() -> None:
    """Add the default themes if they are missing (the caller commits)."""
    existing = set(db.session.scalars(select(Theme.slug)))
    missing = [Theme(slug=slug, name=name, description=description)
               for slug, name, description in DEFAULT_THEMES if slug not in existing]
    if missing:
        _seeded(Theme, missing)
        log.info("seeded %d default themes", len(missing))


def ensure_starter_library() -> None:
    """Add the default themes and starter prompts if they are missing (the caller commits)."""
    ensure_default_themes()
    existing = set(db.session.scalars(select(LibraryPrompt.starter_key)
                                      .where(LibraryPrompt.starter_key.is_not(None))))
    if len(existing) >= len(STARTER_PROMPTS):
        return
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    missing = [LibraryPrompt(starter_key=key, week=week, title=title, body=body,
                             themes=[themes[slug] for slug in slugs if slug in themes])
               for key, week, title, body, slugs in STARTER_PROMPTS if key not in existing]
    _seeded(LibraryPrompt, missing)
    log.info("seeded %d starter prompts", len(missing))


def all_themes() -> list[Theme]:
    """Every theme, by name. On first use it seeds the defaults and commits them."""
    if not db.session.scalar(select(func.count()).select_from(Theme)):
        ensure_default_themes()
        db.session.commit()
    return list(db.session.scalars(select(Theme).order_by(Theme.name)))
