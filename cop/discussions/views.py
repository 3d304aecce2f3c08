"""Discussion pages: thin adapters from HTTP to the services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from cop.audit.services import events_query
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership, Role
from cop.discussions import moderation, pages, services
from cop.discussions.forms import (
    REACTIONS,
    DeleteForm,
    EditForm,
    FlagForm,
    MarkReadForm,
    ModeratePostForm,
    ModerateThreadForm,
    MuteForm,
    NoteForm,
    ReactForm,
    ReplyForm,
    ThreadForm,
)
from cop.discussions.models import Post, PostRevision, Thread
from cop.discussions.search import search_backend
from cop.discussions.visibility import Viewer, Visibility
from cop.errors import UserFacingError
from cop.extensions import db
from cop.forms import flash_refusal, refusal_shown_on
from cop.permissions import Action, can, get_cohort_or_404, load_or_404
from cop.text import plain_excerpt, render_markdown

bp = Blueprint("discussions", __name__)


@bp.app_template_filter("markdown")
def markdown_filter(source: str) -> Markup:
    return render_markdown(source)


@bp.app_template_global("discussion_unread")
def discussion_unread(cohort: Cohort) -> int:
    """Unread posts in ``cohort``'s discussion for the signed-in reader (cohort page)."""
    return services.cohort_unread_count(current_user, cohort)


@bp.app_template_filter("excerpt")
def excerpt_filter(source: str) -> str:
    return plain_excerpt(source, 200)


# Loaders: fetch, check the action, then the visibility rule (404 when the reader may
# not know the thing exists).

def _viewer(cohort: Cohort) -> Viewer:
    return Viewer.of(current_user, cohort) or abort(404)


def _load_thread(thread_id: int, action: Action = Action.READ_CONTENT) -> tuple[Thread, Viewer]:
    thread = load_or_404(Thread, thread_id, action)
    viewer = _viewer(thread.cohort)
    if viewer.sees(thread.opening_post) == Visibility.NONE:
        abort(404)
    return thread, viewer


def _load_post(post_id: int, action: Action = Action.READ_CONTENT,
               needs: Visibility = Visibility.STUB) -> tuple[Post, Viewer]:
    post = load_or_404(Post, post_id, action, cohort_of=lambda p: p.thread.cohort)
    viewer = _viewer(post.thread.cohort)
    if viewer.sees(post) < needs:
        abort(404)
    return post, viewer


def _may(cohort: Cohort) -> dict[str, bool]:
    """What the reader may do on a page of posts, asked once rather than per post."""
    return {"may_participate": can(current_user, Action.PARTICIPATE, cohort),
            "may_moderate": can(current_user, Action.MODERATE, cohort)}


def _refuse(error: UserFacingError, to: str) -> Response:
    flash_refusal(error)
    return redirect(to)


def _post_anchor(post: Post) -> str:
    return url_for("discussions.show_post", post_id=post.id)


# The cohort's discussion.

@bp.get("/cohorts/<int:cohort_id>/discussions")
@login_required
def index(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.READ_CONTENT)
    viewer = _viewer(cohort)
    return render_template("discussions/index.html", cohort=cohort, viewer=viewer,
                           rows=pages.thread_list(cohort, viewer), read_form=MarkReadForm())


@bp.route("/cohorts/<int:cohort_id>/discussions/new", methods=["GET", "POST"])
@login_required
def new_thread(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.PARTICIPATE)
    form = ThreadForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            thread = services.create_thread(cohort, current_user, form.title.data,
                                            form.body.data, content_note=form.content_note.data)
            return redirect(url_for("discussions.show_thread", thread_id=thread.id))
    return render_template("discussions/new_thread.html", cohort=cohort, form=form)


@bp.post("/cohorts/<int:cohort_id>/discussions/read")
@login_required
def mark_all_read(cohort_id: int) -> Response:
    cohort = get_cohort_or_404(cohort_id, Action.READ_CONTENT)
    if MarkReadForm().validate_on_submit():
        services.mark_all_read(cohort, current_user)
        flash("Everything is marked as read.", "success")
    return redirect(url_for("discussions.index", cohort_id=cohort.id))


@bp.get("/cohorts/<int:cohort_id>/discussions/search")
@login_required
def search(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.READ_CONTENT)
    viewer = _viewer(cohort)
    query = request.args.get("q", "").strip()[:200]
    hits = search_backend().search(viewer, query) if query else []
    posts = {p.id: p for p in db.session.scalars(select(Post).where(
        Post.id.in_([h.post_id for h in hits])))} if hits else {}
    results = [posts[h.post_id] for h in hits if h.post_id in posts]
    return render_template("discussions/search.html", cohort=cohort, query=query,
                           results=results)


# Threads.

@bp.get("/discussions/threads/<int:thread_id>")
@login_required
def show_thread(thread_id: int) -> str:
    thread, viewer = _load_thread(thread_id)
    last_read = services.last_read(current_user.id, thread.id)
    page = pages.thread_page(thread, viewer, request.args.get("page", 1, type=int), last_read)
    html = render_template("discussions/thread.html", thread=thread, cohort=thread.cohort,
                           viewer=viewer, page=page, form=ReplyForm(),
                           cannot_reply=services.can_reply_now(thread, current_user),
                           reactions=REACTIONS, react_form=ReactForm(),
                           thread_form=ModerateThreadForm(), **_may(thread.cohort))
    # Marked read after rendering: the commit expires what the page was built from.
    if page.newest_id > last_read:
        services.mark_read(thread, current_user, page.newest_id)
    return html


@bp.post("/discussions/threads/<int:thread_id>/replies")
@login_required
def reply_to_thread(thread_id: int) -> str | Response:
    thread, viewer = _load_thread(thread_id, Action.PARTICIPATE)
    form = ReplyForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            post = services.reply(thread, current_user, form.body.data,
                                  content_note=form.content_note.data)
            return redirect(_post_anchor(post))
    return render_template("discussions/reply.html", thread=thread, cohort=thread.cohort,
                           parent=None, viewer=viewer, form=form), 400


@bp.get("/discussions/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int) -> Response:
    thread, viewer = _load_thread(thread_id)
    mark = services.last_read(current_user.id, thread.id)
    first = db.session.scalar(select(func.min(Post.id)).where(
        Post.thread_id == thread.id, viewer.readable(), Post.id > mark,
        (Post.author_id != current_user.id) | Post.author_id.is_(None)))
    if first is None:
        return redirect(url_for("discussions.show_thread", thread_id=thread.id))
    return redirect(url_for("discussions.show_post", post_id=first))


@bp.post("/discussions/threads/<int:thread_id>/moderate")
@login_required
def moderate_thread(thread_id: int) -> Response:
    thread, _ = _load_thread(thread_id, Action.MODERATE)
    form = ModerateThreadForm()
    back = url_for("discussions.show_thread", thread_id=thread.id)
    if not form.validate_on_submit():
        return _refuse(UserFacingError("Choose an action."), back)
    try:
        moderation.moderate_thread(thread, current_user, form.action.data)
    except UserFacingError as error:
        return _refuse(error, back)
    flash("The thread is updated.", "success")
    return redirect(back)


# Posts.

@bp.get("/discussions/posts/<int:post_id>")
@login_required
def show_post(post_id: int) -> Response:
    """Where links to a post lead: its thread page, at the right page, at the post."""
    post, viewer = _load_post(post_id)
    page = 1
    if not post.is_opening:
        root_id = post.root_id or post.id
        before = db.session.scalar(select(func.count()).where(
            Post.thread_id == post.thread_id, Post.depth == 1, viewer.listed(),
            Post.id < root_id)) or 0
        page = before // pages.PAGE_SIZE + 1
    return redirect(url_for("discussions.show_thread", thread_id=post.thread_id, page=page,
                            _anchor=f"post-{post.id}"))


@bp.get("/discussions/posts/<int:post_id>/fragment")
@login_required
def fragment(post_id: int) -> Response:
    """One post rendered for the reader, for live updates: JSON {html, container}."""
    post, viewer = _load_post(post_id)
    page = pages.single_entry(post, viewer)
    html = render_template("discussions/_post_fragment.html", entry=page.entry,
                           thread=post.thread, viewer=viewer, reactions=REACTIONS,
                           react_form=ReactForm(), **_may(post.thread.cohort))
    return jsonify({"html": html, "container": page.container, "post_id": post.id,
                    "author": page.author_name})


@bp.route("/discussions/posts/<int:post_id>/reply", methods=["GET", "POST"])
@login_required
def reply_to_post(post_id: int) -> str | Response:
    parent, viewer = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    form = ReplyForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            post = services.reply(parent.thread, current_user, form.body.data, parent,
                                  content_note=form.content_note.data)
            return redirect(_post_anchor(post))
    return render_template("discussions/reply.html", thread=parent.thread,
                           cohort=parent.thread.cohort, parent=parent, viewer=viewer, form=form)


@bp.route("/discussions/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> str | Response:
    post, _ = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    if post.author_id != current_user.id:
        abort(403)
    form = EditForm(title=post.thread.title, body=post.body)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.edit_post(post, current_user, form.body.data,
                               form.title.data if post.is_opening else None)
            flash("Your post is saved.", "success")
            return redirect(_post_anchor(post))
    return render_template("discussions/edit.html", post=post, cohort=post.thread.cohort,
                           form=form, delete_form=DeleteForm(formdata=None))


@bp.post("/discussions/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id: int) -> str | Response:
    post, _ = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    if post.author_id != current_user.id:
        abort(403)
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.delete_post(post, current_user)
        except UserFacingError as error:
            return _refuse(error, _post_anchor(post))
        flash("Your post is deleted.", "success")
        return redirect(_post_anchor(post))
    return render_template("discussions/edit.html", post=post, cohort=post.thread.cohort,
                           form=EditForm(title=post.thread.title, body=post.body),
                           delete_form=form), 400


@bp.get("/discussions/posts/<int:post_id>/revisions")
@login_required
def revisions(post_id: int) -> str:
    post, _ = _load_post(post_id, Action.FACILITATE)
    history = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                 .order_by(PostRevision.id.desc())).all()
    return render_template("discussions/revisions.html", post=post, cohort=post.thread.cohort,
                           history=history)


@bp.route("/discussions/posts/<int:post_id>/note", methods=["GET", "POST"])
@login_required
def content_note(post_id: int) -> str | Response:
    post, viewer = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    if post.author_id != current_user.id and not viewer.is_facilitator:
        abort(403)
    form = NoteForm(content_note=post.content_note)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.set_content_note(post, current_user, form.content_note.data)
            flash("The content note is saved.", "success")
            return redirect(_post_anchor(post))
    return render_template("discussions/note.html", post=post, cohort=post.thread.cohort,
                           form=form)


@bp.post("/discussions/posts/<int:post_id>/react")
@login_required
def react(post_id: int) -> Response:
    post, _ = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    form = ReactForm()
    if not form.validate_on_submit():
        return _refuse(UserFacingError("Choose one of the reactions."), _post_anchor(post))
    try:
        services.toggle_reaction(post, current_user, form.kind.data)
    except UserFacingError as error:
        return _refuse(error, _post_anchor(post))
    return redirect(_post_anchor(post))


@bp.route("/discussions/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag(post_id: int) -> str | Response:
    post, _ = _load_post(post_id, Action.PARTICIPATE, Visibility.FULL)
    form = FlagForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.flag_post(post, current_user, form.reason.data, form.note.data)
            flash("Thank you. The facilitators will look at it.", "success")
            return redirect(_post_anchor(post))
    return render_template("discussions/flag.html", post=post, cohort=post.thread.cohort,
                           form=form)


@bp.route("/discussions/posts/<int:post_id>/moderate", methods=["GET", "POST"])
@login_required
def moderate_post(post_id: int) -> str | Response:
    post, _ = _load_post(post_id, Action.MODERATE)
    form = ModeratePostForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            moderation.moderate_post(post, current_user, form.action.data, form.reason.data)
            flash("Done. The author has been told.", "success")
            to_queue = request.args.get("next") == "review"
            return redirect(url_for("discussions.review", cohort_id=post.cohort_id) if to_queue
                            else _post_anchor(post))
    return render_template("discussions/moderate.html", post=post, cohort=post.thread.cohort,
                           form=form)


# Facilitators.

@bp.get("/cohorts/<int:cohort_id>/discussions/review")
@login_required
def review(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.FACILITATE)
    return render_template("discussions/review.html", cohort=cohort,
                           items=moderation.review_queue(cohort), mute_form=_mute_form(cohort))


def _mute_form(cohort: Cohort) -> MuteForm:
    form = MuteForm()
    members = db.session.execute(
        select(User.id, User.display_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.MEMBER,
               Membership.removed_at.is_(None)).order_by(User.display_name))
    form.user_id.choices = [SelectChoice(str(user_id), name) for user_id, name in members]
    return form


@bp.post("/cohorts/<int:cohort_id>/discussions/mutes")
@login_required
def mute(cohort_id: int) -> str | Response:
    cohort = get_cohort_or_404(cohort_id, Action.MODERATE)
    form = _mute_form(cohort)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            moderation.mute_member(cohort, current_user, db.session.get(User, form.user_id.data),
                                   form.hours.data, form.reason.data)
            flash("The member is muted in this cohort.", "success")
            return redirect(url_for("discussions.review", cohort_id=cohort.id))
    return render_template("discussions/review.html", cohort=cohort,
                           items=moderation.review_queue(cohort), mute_form=form), 400


@bp.get("/cohorts/<int:cohort_id>/audit")
@login_required
def audit(cohort_id: int) -> str:
    cohort = get_cohort_or_404(cohort_id, Action.READ_AUDIT)
    events = db.paginate(events_query([cohort.id]), page=request.args.get("page", 1, type=int),
                         per_page=50, error_out=False)
    return render_template("discussions/audit.html", cohort=cohort, events=events)
