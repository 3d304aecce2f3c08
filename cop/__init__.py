"""cop: community-of-practice peer integration groups.

``create_app`` is the only place an application is built.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# Nothing heavy is imported at module level: `cop serve` must monkey-patch for its async
# mode before Flask, SQLAlchemy or any socket library is loaded (see cop.console).

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment."""
    from flask import Flask

    from cop.config import load_config

    config = dict(config or {})
    instance_path = Path(config.pop("INSTANCE_PATH", None) or os.environ.get("COP_INSTANCE_PATH")
                         or PROJECT_ROOT / "instance").resolve()
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True,
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(instance_path, config))
    if app.config.get("TESTING"):
        from cop.auth.passwords import use_fast_hashing
        use_fast_hashing()

    _configure_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from cop import web
    web.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_extensions(app: Flask) -> None:
    from sqlalchemy import event

    from cop.extensions import csrf, db, limiter, login_manager, migrate, socketio

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    import cop.models  # noqa: F401  (the metadata must be complete)
    from cop.auth.models import AnonymousUser, User
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.anonymous_user = AnonymousUser

    @login_manager.user_loader
    def load_user(user_token: str) -> User | None:
        user_id, _, session_token = user_token.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or user.session_token != session_token:
            return None
        return user

    socketio.init_app(
        app,
        # The server decides the mode (cop serve patches first); elsewhere threading is safe.
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "threading"),
        message_queue=app.config["REDIS_URL"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=[app.config["BASE_URL"]],
        max_http_buffer_size=app.config["SOCKETIO_MAX_BUFFER"],
        logger=False,
        engineio_logger=False,
    )

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets readers proceed during a write; the busy timeout queues concurrent writers.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from cop.admin.views import bp as admin_bp
    from cop.auth.views import bp as auth_bp
    from cop.calendar.views import bp as calendar_bp
    from cop.cohorts.admin_views import bp as cohort_admin_bp
    from cop.cohorts.views import bp as cohorts_bp
    from cop.discussions.views import bp as discussions_bp
    from cop.home.views import bp as home_bp
    from cop.invitations.views import bp as invitations_bp
    from cop.live.events import init_app as init_live_events
    from cop.live.views import bp as live_bp
    from cop.notifications.events import register as register_notifications_namespace
    from cop.notifications.views import bp as notifications_bp
    from cop.prompts.views import bp as prompts_bp
    from cop.safety.views import bp as safety_bp
    from cop.schedule.admin_views import bp as schedule_admin_bp
    from cop.schedule.views import bp as schedule_bp

    for blueprint in (auth_bp, home_bp, cohorts_bp, admin_bp, safety_bp, cohort_admin_bp,
                      schedule_bp, schedule_admin_bp, calendar_bp, invitations_bp, discussions_bp,
                      notifications_bp, prompts_bp, live_bp):
        app.register_blueprint(blueprint)
    register_notifications_namespace()
    init_live_events()

    from cop.discussions.events import DiscussionNamespace
    from cop.extensions import socketio

    socketio.on_namespace(DiscussionNamespace("/discussions"))


def _register_cli(app: Flask) -> None:
    from cop.cli import cop_group

    app.cli.add_command(cop_group)
