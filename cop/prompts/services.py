"""Prompt rules: writing, scheduling, seeing, announcing and nudging.

Views call one function here, which commits (or raises UserFacingError with nothing
written). Release is decided at query time (``cop.prompts.release``); announcing a
release to members is claimed in the database so it happens once whoever runs it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import abort
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from cop.audit.services import record
from cop.auth.models import User
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.db import utcnow
from cop.discussions.services import can_reply_now
from cop.errors import UserFacingError
from cop.extensions import db
from cop.notifications.models import Notification
from cop.notifications.services import notify
from cop.permissions import Action, can, load_or_404
from cop.prompts.library import ensure_starter_library
from cop.prompts.models import LibraryPrompt, Prompt, ReleaseKind, Theme
from cop.prompts.release import (
    CohortCalendar,
    calendar_for,
    calendars_for,
    is_released,
    local_to_utc,
    release_moment,
)
from cop.prompts.responses import open_thread, responder_ids
from cop.schedule.models import Meeting, MeetingStatus
from cop.urls import path_for

log = logging.getLogger(__name__)

TITLE_LIMIT = 200
BODY_LIMIT = 20_000
MAX_OFFSET_HOURS = 14 * 24
SEQUENCE_WEEKS = 12


@dataclass
class PromptInput:
    """What a facilitator typed into the prompt form, before it is checked."""

    title: str = ""
    body: str = ""
    theme_ids: list[int] = field(default_factory=list)
    release_kind: ReleaseKind = ReleaseKind.NOW
    release_date: date | None = None        # AT_TIME, in the cohort's zone
    release_time: time | None = None        # AT_TIME, in the cohort's zone
    release_meeting_number: int | None = None
    release_offset_hours: int | None = None
    meeting_id: int | None = None
    is_private_reflection: bool = False


@dataclass(frozen=True)
class PromptStatus:
    """A prompt with its release moment as computed now."""

    prompt: Prompt
    released_at: datetime | None  # None: waiting for a meeting that is not scheduled
    is_released: bool


# Seeing prompts ------------------------------------------------------------------------

def status_of(prompt: Prompt, calendar: CohortCalendar | None = None,
              now: datetime | None = None) -> PromptStatus:
    moment = release_moment(prompt, calendar or calendar_for(prompt.cohort_id))
    return PromptStatus(prompt, moment, is_released(moment, now or utcnow()))


def prompts_of(cohort: Cohort, user: User, now: datetime | None = None) -> list[PromptStatus]:
    """The cohort's prompts ``user`` may see: released ones newest first, then (for
    facilitators only) scheduled ones soonest first, then those waiting for a meeting.

    Precondition: ``user`` may read the cohort's content.
    """
    now = now or utcnow()
    calendar = calendar_for(cohort.id)
    prompts = db.session.scalars(select(Prompt).options(selectinload(Prompt.themes))
                                 .where(Prompt.cohort_id == cohort.id).order_by(Prompt.id)).all()
    statuses = [status_of(p, calendar, now) for p in prompts]
    released = sorted((s for s in statuses if s.is_released),
                      key=lambda s: (s.released_at, s.prompt.id), reverse=True)
    if not can(user, Action.FACILITATE, cohort):
        return released
    scheduled = sorted((s for s in statuses if not s.is_released and s.released_at),
                       key=lambda s: (s.released_at, s.prompt.id))
    waiting = [s for s in statuses if s.released_at is None]
    return [*released, *scheduled, *waiting]


def load_prompt_or_404(prompt_id: int, action: Action = Action.READ_CONTENT) -> PromptStatus:
    """The prompt for ``current_user`` doing ``action``: 404 when it is of another cohort
    or not released yet (for anyone but its facilitators), 403 when visible but not allowed."""
    prompt = load_or_404(Prompt, prompt_id, action)
    status = status_of(prompt)
    if not status.is_released and not can(current_user, Action.FACILITATE, prompt.cohort):
        abort(404)
    return status


def why_cannot_respond(prompt: Prompt, user: User, now: datetime | None = None) -> str | None:
    """Why ``user`` cannot answer ``prompt`` right now (shown instead of the form), or None."""
    if not can(user, Action.PARTICIPATE, prompt.cohort):
        return "This cohort is archived: responses are closed." if prompt.cohort.is_archived \
            else "Only members of this cohort can respond."
    if not status_of(prompt, now=now).is_released:
        return "Members can respond once the prompt is released."
    if prompt.thread is None:
        return "Responses are opening; reload the page in a moment."
    return can_reply_now(prompt.thread, user)


def prompts_for_meeting(meeting: Meeting) -> list[Prompt]:
    """Prompts linked to ``meeting`` (what a facilitator can push into its live room)."""
    return list(db.session.scalars(select(Prompt).where(Prompt.meeting_id == meeting.id)
                                   .order_by(Prompt.id)))


# Writing prompts -----------------------------------------------------------------------

def _check_cohort_open(cohort: Cohort) -> None:
    if cohort.is_archived:
        raise UserFacingError(f"{cohort.name} is archived: its prompts can no longer change.",
                              code="archived")


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise UserFacingError("Give the prompt a title.", field="title")
    if len(title) > TITLE_LIMIT:
        raise UserFacingError(f"The title is longer than {TITLE_LIMIT} characters.", field="title")
    if not body:
        raise UserFacingError("Write the prompt's question: the body is empty.", field="body")
    if len(body) > BODY_LIMIT:
        raise UserFacingError(f"The body is longer than {BODY_LIMIT:,} characters "
                              f"({len(body):,}).", field="body")
    return title, body


def _check_themes(theme_ids: list[int]) -> list[Theme]:
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))) \
        if theme_ids else []
    if len(themes) != len(set(theme_ids)):
        raise UserFacingError("One of the chosen themes does not exist.", field="theme_ids")
    return themes


def _check_meeting_link(cohort: Cohort, meeting_id: int | None) -> Meeting | None:
    if meeting_id is None:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.cohort_id != cohort.id or meeting.status == MeetingStatus.CANCELLED:
        raise UserFacingError("That meeting is not on this cohort's schedule.", field="meeting_id")
    return meeting


def _check_release(cohort: Cohort, data: PromptInput, calendar: CohortCalendar,
                   now: datetime) -> dict[str, object]:
    """The release columns for ``data``; raises when the rule cannot work or has passed."""
    kind = data.release_kind
    columns: dict[str, object] = {"release_kind": kind, "release_at": None,
                                  "release_meeting_number": None, "release_offset_hours": None}
    if kind == ReleaseKind.NOW:
        columns["release_at"] = now
        return columns
    if kind == ReleaseKind.AT_TIME:
        if data.release_date is None or data.release_time is None:
            raise UserFacingError("Choose the date and time to release the prompt.",
                                  field="release_date" if data.release_date is None
                                  else "release_time")
        moment = local_to_utc(datetime.combine(data.release_date, data.release_time),
                              cohort.timezone)
        if moment <= now:
            raise UserFacingError(f"That time has already passed in {cohort.timezone}. Choose a "
                                  "later time, or release the prompt now.", field="release_date")
        columns["release_at"] = moment
        return columns
    number = data.release_meeting_number
    if number is None or number < 1:
        raise UserFacingError("Give the meeting's number (1 for the first).",
                              field="release_meeting_number")
    if kind == ReleaseKind.AFTER_MEETING:
        meeting = calendar.meeting(number)
        if meeting is None:
            raise UserFacingError(f"There is no meeting {number} on this cohort's schedule (it has "
                                  f"{len(calendar.virtual)} virtual meetings).",
                                  field="release_meeting_number")
        moment = meeting.ends_at
    else:
        hours = data.release_offset_hours
        if hours is None or not 0 <= hours <= MAX_OFFSET_HOURS:
            raise UserFacingError(f"Give the hours after the session, from 0 to {MAX_OFFSET_HOURS}.",
                                  field="release_offset_hours")
        session = calendar.treatment_session(number)
        if session is None:
            raise UserFacingError(f"There is no treatment session {number} on this cohort's "
                                  f"schedule (it has {len(calendar.treatment)}).",
                                  field="release_meeting_number")
        columns["release_offset_hours"] = hours
        moment = session.ends_at + timedelta(hours=hours)
    if moment <= now:
        raise UserFacingError("That moment has already passed. Choose a later meeting, or "
                              "release the prompt now.", field="release_meeting_number")
    columns["release_meeting_number"] = number
    return columns


def create_prompt(cohort: Cohort, author: User, data: PromptInput,
                  now: datetime | None = None) -> Prompt:
    """Write a prompt for ``cohort`` and commit it; announce it at once when released now.

    Raises UserFacingError (naming the field) for an archived cohort, empty or oversized
    text, an unknown theme or meeting, or a release moment that has passed. Nothing is
    written then. Precondition: ``author`` facilitates ``cohort``.
    """
    now = now or utcnow()
    _check_cohort_open(cohort)
    title, body = _check_text(data.title, data.body)
    themes = _check_themes(data.theme_ids)
    meeting = _check_meeting_link(cohort, data.meeting_id)
    release = _check_release(cohort, data, calendar_for(cohort.id), now)
    prompt = Prompt(cohort=cohort, author=author, title=title, body=body, themes=themes,
                    meeting=meeting, is_private_reflection=data.is_private_reflection, **release)
    db.session.add(prompt)
    db.session.flush()
    record(author, "prompt.create", "prompt", prompt.id, cohort_id=cohort.id,
           release=str(data.release_kind))
    db.session.commit()
    log.info("prompt %s created by %s", prompt.id, author.id)
    announce_if_released(prompt, now)
    return prompt


def update_prompt(prompt: Prompt, editor: User, data: PromptInput,
                  now: datetime | None = None) -> Prompt:
    """Change a prompt. Its release rule and privacy can change only until it is released.

    Raises UserFacingError like ``create_prompt``; nothing is written then.
    """
    now = now or utcnow()
    cohort = prompt.cohort
    _check_cohort_open(cohort)
    title, body = _check_text(data.title, data.body)
    themes = _check_themes(data.theme_ids)
    meeting = _check_meeting_link(cohort, data.meeting_id)
    calendar = calendar_for(cohort.id)
    released = status_of(prompt, calendar, now).is_released
    if not released:
        release = _check_release(cohort, data, calendar, now)
        for name, value in release.items():
            setattr(prompt, name, value)
        prompt.is_private_reflection = data.is_private_reflection
    prompt.title, prompt.body, prompt.themes, prompt.meeting = title, body, themes, meeting
    record(editor, "prompt.update", "prompt", prompt.id, cohort_id=cohort.id)
    db.session.commit()
    log.info("prompt %s updated by %s", prompt.id, editor.id)
    if not released:
        announce_if_released(prompt, now)
    return prompt


def delete_prompt(prompt: Prompt, by: User, now: datetime | None = None) -> None:
    """Remove a prompt that is not released yet. Raises UserFacingError once it is out."""
    _check_cohort_open(prompt.cohort)
    if status_of(prompt, now=now).is_released:
        raise UserFacingError("This prompt is already released; members may have answered it, "
                              "so it stays.", code="released")
    record(by, "prompt.delete", "prompt", prompt.id, cohort_id=prompt.cohort_id,
           title=prompt.title)
    db.session.delete(prompt)
    db.session.commit()
    log.info("prompt %s deleted by %s", prompt.id, by.id)


# Library and the 12-week sequence ------------------------------------------------------

def library_for(user: User) -> list[LibraryPrompt]:
    """The starter prompts (by week) and ``user``'s saved prompts (newest first)."""
    if not db.session.scalar(select(LibraryPrompt.id).where(LibraryPrompt.starter_key.is_not(None))
                             .limit(1)):
        ensure_starter_library()
        db.session.commit()
    starters = db.session.scalars(select(LibraryPrompt).where(LibraryPrompt.owner_id.is_(None))
                                  .order_by(LibraryPrompt.week, LibraryPrompt.id)).all()
    saved = db.session.scalars(select(LibraryPrompt).where(LibraryPrompt.owner_id == user.id)
                               .order_by(LibraryPrompt.created_at.desc(),
                                         LibraryPrompt.id.desc())).all()
    return [*starters, *saved]


def usable_library_prompt(user: User, library_prompt_id: int) -> LibraryPrompt | None:
    """A library prompt ``user`` may use: a starter one or their own."""
    found = db.session.get(LibraryPrompt, library_prompt_id)
    if found is None or (found.owner_id is not None and found.owner_id != user.id):
        return None
    return found


def save_to_library(owner: User, title: str, body: str, themes: list[Theme]) -> LibraryPrompt:
    """Keep a prompt in ``owner``'s library for later cohorts. Raises like ``create_prompt``."""
    title, body = _check_text(title, body)
    saved = LibraryPrompt(owner_id=owner.id, title=title, body=body, themes=list(themes))
    db.session.add(saved)
    db.session.commit()
    log.info("library prompt %s saved by %s", saved.id, owner.id)
    return saved


def delete_library_prompt(saved: LibraryPrompt, by: User) -> None:
    """Remove one of ``by``'s saved prompts. Precondition: ``by`` owns it."""
    db.session.delete(saved)
    db.session.commit()
    log.info("library prompt %s deleted by %s", saved.id, by.id)


def default_sequence(user: User) -> dict[int, int]:
    """Week -> library prompt id: the starter prompt for each week."""
    return {lp.week: lp.id for lp in library_for(user) if lp.is_starter and lp.week}


def schedule_sequence(cohort: Cohort, author: User, weeks: dict[int, int | None], *,
                      private: bool, now: datetime | None = None) -> list[Prompt]:
    """Schedule week N's library prompt to be released after meeting N, for every chosen week.

    ``weeks`` maps week numbers (1-12) to a library prompt id, or None to skip the week.
    All or nothing: raises UserFacingError (naming the weeks) when the cohort is archived,
    no week is chosen, a library prompt is not usable by ``author``, a week's meeting is
    not scheduled, or it has already ended.
    """
    now = now or utcnow()
    _check_cohort_open(cohort)
    chosen = {week: lp_id for week, lp_id in sorted(weeks.items()) if lp_id is not None}
    if not chosen:
        raise UserFacingError("Choose a prompt for at least one week.")
    calendar = calendar_for(cohort.id)
    missing = [w for w in chosen if calendar.meeting(w) is None]
    if missing:
        raise UserFacingError(
            f"{cohort.name} has {len(calendar.virtual)} virtual meetings scheduled, so week "
            f"{_weeks(missing)} has no meeting to follow. Add the meetings first, or skip "
            "those weeks.", code="unknown_meeting")
    ended = [w for w in chosen if calendar.meeting(w).ends_at <= now]  # type: ignore[union-attr]
    if ended:
        raise UserFacingError(f"Meeting {_weeks(ended)} has already ended: skip "
                              f"{'that week' if len(ended) == 1 else 'those weeks'}.",
                              code="release_passed")
    prompts = []
    for week, library_prompt_id in chosen.items():
        source = usable_library_prompt(author, library_prompt_id)
        if source is None:
            raise UserFacingError(f"The prompt chosen for week {week} is not in your library.")
        prompt = Prompt(cohort=cohort, author=author, title=source.title, body=source.body,
                        themes=list(source.themes), release_kind=ReleaseKind.AFTER_MEETING,
                        release_meeting_number=week, is_private_reflection=private)
        db.session.add(prompt)
        prompts.append(prompt)
    db.session.flush()
    record(author, "prompt.schedule_sequence", "cohort", cohort.id, cohort_id=cohort.id,
           weeks=list(chosen))
    db.session.commit()
    log.info("sequence of %d prompts scheduled for cohort %s by %s", len(prompts), cohort.id,
             author.id)
    return prompts


def _weeks(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


# Themes --------------------------------------------------------------------------------

def add_theme(admin: User, name: str, description: str = "") -> Theme:
    """Add a theme tag. Raises UserFacingError for an empty or taken name."""
    name = " ".join((name or "").split())
    if not name:
        raise UserFacingError("Give the theme a name.", field="name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "theme"
    taken = db.session.scalar(select(Theme.id).where(
        (db.func.lower(Theme.name) == name.lower()) | (Theme.slug == slug)))
    if taken:
        raise UserFacingError(f"There is already a theme called {name}.", field="name")
    theme = Theme(slug=slug, name=name, description=(description or "").strip()[:300])
    db.session.add(theme)
    db.session.flush()
    record(admin, "theme.create", "theme", theme.id, name=name)
    db.session.commit()
    log.info("theme %s added by %s", theme.slug, admin.id)
    return theme


# Announcing releases (cop tick, and at once for "release now") ------------------------

def _members(cohort_id: int) -> list[int]:
    return list(db.session.scalars(select(Membership.user_id).where(
        Membership.cohort_id == cohort_id, Membership.role == Role.MEMBER,
        Membership.removed_at.is_(None)).order_by(Membership.user_id)))


def _claim_announcement(prompt_id: int, now: datetime) -> bool:
    """Mark the prompt announced unless someone already did; True when this caller won.

    A conditional UPDATE: on PostgreSQL a second, concurrent claimer waits for the row
    lock, then finds ``announced_at`` set and updates nothing.
    """
    result = db.session.execute(
        update(Prompt).where(Prompt.id == prompt_id, Prompt.announced_at.is_(None))
        .values(announced_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _open_and_notify(prompt: Prompt) -> int:
    if prompt.thread_id is None:
        open_thread(prompt)
    cohort = prompt.cohort
    url = path_for("prompts.show", prompt_id=prompt.id)
    sent = 0
    for user_id in _members(prompt.cohort_id):
        if notify(user_id, "prompt.released", f"A new prompt is open in {cohort.name}", url,
                  cohort_id=cohort.id, dedupe_key=f"prompt.released:{prompt.id}:{user_id}"):
            sent += 1
    log.info("prompt %s released to %d members", prompt.id, sent)
    return sent


def announce_prompt(prompt: Prompt, now: datetime) -> int:
    """Open the prompt's response thread and tell each current member once that it is out.

    Returns the notifications sent. Precondition: the prompt is released. The caller
    commits, or rolls back on UserFacingError (the discussion refused to open the thread;
    the claim is undone with it, so a later run tries again). Safe to call from several
    processes at once: the claim and the per-person dedupe key each make it exactly-once.
    """
    if not _claim_announcement(prompt.id, now):
        return 0
    return _open_and_notify(prompt)


def announce_if_released(prompt: Prompt, now: datetime | None = None) -> int:
    """Announce ``prompt`` now if it is released and not yet announced (commits).

    A refusal to open the thread is logged, not raised: ``cop tick`` retries it.
    """
    now = now or utcnow()
    if prompt.cohort.status != CohortStatus.ACTIVE or not status_of(prompt, now=now).is_released:
        return 0
    try:
        sent = announce_prompt(prompt, now)
        db.session.commit()
    except UserFacingError as error:
        db.session.rollback()
        log.warning("prompt %s could not be opened: %s", prompt.id, error.message)
        return 0
    return sent


# A claim older than this without a thread means its claimer died part-way.
STALE_CLAIM = timedelta(minutes=2)


def ensure_responses_open(prompt: Prompt, now: datetime | None = None) -> None:
    """Open a released prompt's responses if nobody has yet (the first viewer does it).

    Finishes a release whose claimer stopped before creating the thread. Commits.
    """
    now = now or utcnow()
    if prompt.thread_id is not None:
        return
    if prompt.announced_at is None or prompt.announced_at > now - STALE_CLAIM:
        announce_if_released(prompt, now)
        return
    stale = prompt.announced_at
    won = db.session.execute(
        update(Prompt).where(Prompt.id == prompt.id, Prompt.announced_at == stale)
        .values(announced_at=now).execution_options(synchronize_session=False)).rowcount == 1
    try:
        if won:
            _open_and_notify(prompt)
        db.session.commit()
    except UserFacingError as error:
        db.session.rollback()
        log.warning("prompt %s could not be opened: %s", prompt.id, error.message)


def announce_due_prompts(now: datetime | None = None) -> int:
    """Announce every released, not yet announced prompt of an active cohort (``cop tick``).

    Commits after each prompt, so one failure loses nothing already done. Returns the
    number of notifications sent by this call.
    """
    now = now or utcnow()
    waiting = db.session.scalars(
        select(Prompt).join(Cohort, Cohort.id == Prompt.cohort_id)
        .where(Prompt.announced_at.is_(None), Cohort.status == CohortStatus.ACTIVE)
        .order_by(Prompt.id)).all()
    calendars = calendars_for({p.cohort_id for p in waiting})
    due = [p for p in waiting if is_released(release_moment(p, calendars[p.cohort_id]), now)]
    sent = 0
    for prompt in due:
        try:
            sent += announce_prompt(prompt, now)
            db.session.commit()
        except UserFacingError as error:
            db.session.rollback()
            log.warning("prompt %s could not be opened: %s", prompt.id, error.message)
    return sent


# Facilitator view: who has responded, and the gentle nudge ----------------------------

@dataclass(frozen=True)
class ResponderRow:
    user: User
    has_responded: bool
    was_nudged: bool


def nudge_key(prompt_id: int, user_id: int) -> str:
    return f"prompt.nudge:{prompt_id}:{user_id}"


def responder_rows(prompt: Prompt) -> list[ResponderRow]:
    """Every current member of the prompt's cohort: responded or not, nudged or not.

    Facilitators only (the caller checks). Reads no response text.
    """

    members = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == prompt.cohort_id, Membership.role == Role.MEMBER,
               Membership.removed_at.is_(None)).order_by(User.display_name)).all()
    responded = responder_ids(prompt)
    keys = {nudge_key(prompt.id, m.id): m.id for m in members}
    nudged = {keys[k] for k in db.session.scalars(
        select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys)))} if keys else set()
    return [ResponderRow(m, m.id in responded, m.id in nudged) for m in members]


def nudge(prompt: Prompt, by: User, user_ids: list[int] | None = None,
          now: datetime | None = None) -> int:
    """Send a gentle reminder to members who have not responded; returns how many got one.

    ``user_ids`` None means everyone who has not responded. Each person is reminded at
    most once per prompt, ever (the dedupe key); people who responded, facilitators and
    non-members are never reminded. The reminder carries no response text. Raises
    UserFacingError when the prompt is not released or the cohort is archived.
    """
    _check_cohort_open(prompt.cohort)
    if not status_of(prompt, now=now).is_released:
        raise UserFacingError("This prompt is not released yet; there is nothing to remind "
                              "people of.", code="not_released")
    rows = [r for r in responder_rows(prompt) if not r.has_responded and not r.was_nudged]
    if user_ids is not None:
        wanted = set(user_ids)
        rows = [r for r in rows if r.user.id in wanted]
    url = path_for("prompts.show", prompt_id=prompt.id)
    sent = 0
    for row in rows:
        if notify(row.user.id, "prompt.nudge",
                  f"{by.display_name} sent a gentle reminder about a prompt in "
                  f"{prompt.cohort.name}", url, cohort_id=prompt.cohort_id,
                  dedupe_key=nudge_key(prompt.id, row.user.id)):
            sent += 1
    record(by, "prompt.nudge", "prompt", prompt.id, cohort_id=prompt.cohort_id, reminded=sent)
    db.session.commit()
    log.info("prompt %s nudge by %s reached %d members", prompt.id, by.id, sent)
    return sent
