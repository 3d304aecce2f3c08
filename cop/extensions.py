"""Extensions are created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from cop.db import Base, managed_by_migrations

db = SQLAlchemy(model_class=Base)
# Batch mode lets SQLite alter tables; compare_type catches column type changes.
migrate = Migrate(render_as_batch=True, compare_type=True, include_name=managed_by_migrations)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
socketio = SocketIO()
