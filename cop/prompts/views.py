"""Prompt pages: the cohort's prompts, writing and scheduling them, the responders view."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from cop.extensions import db
from cop.forms import refusal_flashed, refusal_shown_on
from cop.permissions import Action, admin_required, get_cohort_or_404, load_owned_or_404
from cop.prompts import services
from cop.prompts.forms import (
    ActionForm,
    NudgeForm,
    PromptForm,
    RespondForm,
    ThemeForm,
    sequence_form,
)
from cop.prompts.library import all_themes
from cop.prompts.models import LibraryPrompt
from cop.prompts.release import describe_rule
from cop.prompts.responses import respond as respond_to_prompt
from cop.prompts.responses import responses_for
from cop.schedule.models import Meeting, MeetingStatus
from cop.text import render_markdown
from cop.timefmt import format_local
from cop.urls import is_safe_next

bp = Blueprint("prompts", __name__)
bp.add_app_template_filter(render_markdown, "markdown")
# The live room's facilitator panel offers the meeting's prompts as cards.
bp.add_app_template_global(services.prompts_for_meeting, "prompts_for_meeting")


def _prompt_form(cohort_id: int, **kwargs: object) -> PromptForm:
    form = PromptForm(**kwargs)
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.cohort_id == cohort_id, Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at)).all()
    form.set_choices(all_themes(), list(meetings),
                     lambda moment: format_local(moment, current_user.timezone))
    return form


@bp.get("/cohorts/<int:cohort_id>/prompts")
@login_required
def index(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.READ_CONTENT)
    return render_template("prompts/index.html", cohort=cohort,
                           statuses=services.prompts_of(cohort, current_user),
                           describe_rule=describe_rule)


@bp.route("/cohorts/<int:cohort_id>/prompts/new", methods=["GET", "POST"])
@login_required
def new(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.FACILITATE)
    form = _prompt_form(cohort.id)
    source_id = request.args.get("from_library", type=int)
    if request.method == "GET" and source_id:
        source = services.usable_library_prompt(current_user, source_id) or abort(404)
        form.fill_from(source)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            prompt = services.create_prompt(cohort, current_user, form.to_input())
            if form.save_to_library.data:
                services.save_to_library(current_user, prompt.title, prompt.body, prompt.themes)
            flash("The prompt is saved.", "success")
            return redirect(url_for("prompts.show", prompt_id=prompt.id))
    return render_template("prompts/form.html", form=form, cohort=cohort, prompt=None)


def _show(status: services.PromptStatus, form: RespondForm) -> str:
    prompt = status.prompt
    return render_template("prompts/show.html", status=status, prompt=prompt,
                           cohort=prompt.cohort, describe_rule=describe_rule,
                           action_form=ActionForm(), form=form,
                           responses=responses_for(prompt, current_user),
                           cannot_respond=services.why_cannot_respond(prompt, current_user))


@bp.get("/prompts/<int:prompt_id>")
@login_required
def show(prompt_id: int) -> str:
    status = services.load_prompt_or_404(prompt_id)
    if status.is_released:
        services.ensure_responses_open(status.prompt)
    return _show(status, RespondForm())


@bp.post("/prompts/<int:prompt_id>/respond")
@login_required
def respond(prompt_id: int) -> str | Response:
    status = services.load_prompt_or_404(prompt_id)
    form = RespondForm()
    if status.is_released and form.validate_on_submit():
        services.ensure_responses_open(status.prompt)
        with refusal_shown_on(form):
            post = respond_to_prompt(status.prompt, current_user, form.body.data or "",
                                     form.parent_id.data)
            flash("Your response is saved." if not status.prompt.is_private_reflection else
                  "Your response is saved. Only you and the facilitators can see it.", "success")
            return redirect(url_for("prompts.show", prompt_id=prompt_id, _anchor=f"post-{post.id}"))
    elif not status.is_released:
        form.form_errors.append("This prompt is not released yet.")
    return _show(status, form)


@bp.route("/prompts/<int:prompt_id>/edit", methods=["GET", "POST"])
@login_required
def edit(prompt_id: int) -> str | Response:
    status = services.load_prompt_or_404(prompt_id, Action.FACILITATE)
    prompt = status.prompt
    form = _prompt_form(prompt.cohort_id)
    if request.method == "GET":
        form.fill_from(prompt)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.update_prompt(prompt, current_user, form.to_input())
            flash("The prompt is saved.", "success")
            return redirect(url_for("prompts.show", prompt_id=prompt.id))
    return render_template("prompts/form.html", form=form, cohort=prompt.cohort, prompt=prompt,
                           status=status)


@bp.post("/prompts/<int:prompt_id>/delete")
@login_required
def delete(prompt_id: int) -> Response:
    prompt = services.load_prompt_or_404(prompt_id, Action.FACILITATE).prompt
    cohort_id = prompt.cohort_id
    if ActionForm().validate_on_submit():
        with refusal_flashed():
            services.delete_prompt(prompt, current_user)
            flash("The prompt is deleted.", "success")
            return redirect(url_for("prompts.index", cohort_id=cohort_id))
        return redirect(url_for("prompts.show", prompt_id=prompt_id))
    return redirect(url_for("prompts.index", cohort_id=cohort_id))


@bp.get("/prompts/<int:prompt_id>/responders")
@login_required
def responders(prompt_id: int) -> str:
    status = services.load_prompt_or_404(prompt_id, Action.FACILITATE)
    return render_template("prompts/responders.html", status=status, prompt=status.prompt,
                           rows=services.responder_rows(status.prompt), form=NudgeForm())


@bp.post("/prompts/<int:prompt_id>/nudge")
@login_required
def nudge(prompt_id: int) -> Response:
    prompt = services.load_prompt_or_404(prompt_id, Action.FACILITATE).prompt
    form = NudgeForm()
    if form.validate_on_submit():
        with refusal_flashed():
            user_ids = None if form.user_id.data is None else [form.user_id.data]
            sent = services.nudge(prompt, current_user, user_ids)
            flash(f"Reminder sent to {sent} {'person' if sent == 1 else 'people'}." if sent
                  else "Nobody needed a reminder: each person is reminded once at most.",
                  "success" if sent else "info")
    return redirect(url_for("prompts.responders", prompt_id=prompt_id))


@bp.post("/prompts/<int:prompt_id>/save")
@login_required
def save_to_library(prompt_id: int) -> Response:
    prompt = services.load_prompt_or_404(prompt_id, Action.FACILITATE).prompt
    if ActionForm().validate_on_submit():
        services.save_to_library(current_user, prompt.title, prompt.body, prompt.themes)
        flash("Saved to your library.", "success")
    return redirect(url_for("prompts.show", prompt_id=prompt_id))


@bp.get("/cohorts/<int:cohort_id>/prompts/library")
@login_required
def library(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.FACILITATE)
    return render_template("prompts/library.html", cohort=cohort,
                           entries=services.library_for(current_user), form=ActionForm())


@bp.post("/prompts/library/<int:library_prompt_id>/delete")
@login_required
def delete_library_prompt(library_prompt_id: int) -> Response:
    saved = load_owned_or_404(LibraryPrompt, library_prompt_id, owner_attr="owner_id")
    if ActionForm().validate_on_submit():
        services.delete_library_prompt(saved, current_user)
        flash("Removed from your library.", "success")
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("home.index"))


@bp.route("/cohorts/<int:cohort_id>/prompts/sequence", methods=["GET", "POST"])
@login_required
def sequence(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.FACILITATE)
    form = sequence_form(services.library_for(current_user),
                         services.default_sequence(current_user))
    if form.validate_on_submit():
        with refusal_shown_on(form):
            prompts = services.schedule_sequence(cohort, current_user, form.chosen(),
                                                 private=form.privacy.data == "private")
            flash(f"{len(prompts)} prompts scheduled, each released when its week's meeting "
                  "ends. Adjust any of them below.", "success")
            return redirect(url_for("prompts.index", cohort_id=cohort.id))
    return render_template("prompts/sequence.html", cohort=cohort, form=form)


@bp.route("/admin/themes", methods=["GET", "POST"])
@admin_required
def themes() -> str | Response:
    form = ThemeForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            theme = services.add_theme(current_user, form.name.data, form.description.data)
            flash(f"Theme {theme.name} added.", "success")
            return redirect(url_for("prompts.themes"))
    return render_template("prompts/themes.html", form=form, themes=all_themes())
