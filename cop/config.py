"""Configuration from the environment, with safe defaults.

Every setting is read from a ``COP_*`` environment variable (documented in the README).
``create_app`` may be handed a mapping that overrides anything here, which is how the
tests configure an app.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which setting and why."""


ASYNC_MODES = ("eventlet", "gevent", "threading")


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"expected a yes/no value, got {value!r}")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _secret_key(env: str, instance_path: Path) -> str:
    key = os.environ.get("COP_SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise ConfigError("COP_SECRET_KEY must be set when COP_ENV=production")
    # Development: one random key per installation, kept out of the code and the repo.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def async_mode_from_env() -> str:
    """The Socket.IO async mode named by ``COP_ASYNC_MODE`` (default eventlet)."""
    mode = os.environ.get("COP_ASYNC_MODE", "eventlet").strip() or "eventlet"
    if mode not in ASYNC_MODES:
        raise ConfigError(f"COP_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, got {mode!r}")
    return mode


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment and ``overrides``."""
    overrides = dict(overrides or {})
    env = overrides.get("COP_ENV") or os.environ.get("COP_ENV", "development")
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"COP_ENV must be development, production or test, got {env!r}")
    base_url = (overrides.get("BASE_URL") or os.environ.get("COP_BASE_URL")
                or "http://127.0.0.1:5000").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"COP_BASE_URL must start with http:// or https://, got {base_url!r}")
    https = base_url.startswith("https://")
    database_url = os.environ.get("COP_DATABASE_URL") or f"sqlite:///{instance_path / 'cop.db'}"
    redis_url = os.environ.get("COP_REDIS_URL") or None

    config: dict[str, Any] = {
        "COP_ENV": env,
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "ASYNC_MODE": async_mode_from_env(),
        # Cookies: HttpOnly always, Secure whenever we are served over HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; a long form must not expire
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "RATELIMIT_ENABLED": _bool(os.environ.get("COP_RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_RATE_LIMIT": os.environ.get("COP_LOGIN_RATE_LIMIT", "10 per minute; 60 per hour"),
        "PASSWORD_RESET_MAX_AGE": _int("COP_PASSWORD_RESET_MAX_AGE", 60 * 60),
        # Live rooms: a person may send this many messages within the window (seconds).
        "LIVE_RATE_BURST": _int("COP_LIVE_RATE_BURST", 5),
        "LIVE_RATE_WINDOW": _int("COP_LIVE_RATE_WINDOW", 5),
        # The Redis pub/sub channel the server processes of one installation share.
        "SOCKETIO_CHANNEL": os.environ.get("COP_SOCKETIO_CHANNEL") or "flask-socketio",
        "SOCKETIO_MAX_BUFFER": _int("COP_SOCKETIO_MAX_BUFFER", 64 * 1024),
        "MAX_CONNECTIONS": _int("COP_MAX_CONNECTIONS", 10_000),
        # Seconds between in-process `cop tick` runs in `cop serve`; 0 (default): use cron.
        "TICK_INTERVAL": _int("COP_TICK_INTERVAL", 0),
        "MAIL_BACKEND": os.environ.get("COP_MAIL_BACKEND", "smtp" if env == "production" else "file"),
        "MAIL_OUTBOX": os.environ.get("COP_MAIL_OUTBOX") or str(instance_path / "outbox"),
        "MAIL_SERVER": os.environ.get("COP_MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("COP_MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("COP_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("COP_MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(os.environ.get("COP_MAIL_USE_TLS"), True),
        "MAIL_FROM": os.environ.get("COP_MAIL_FROM", "cop <no-reply@localhost>"),
    }
    config.update(overrides)
    if config["MAIL_BACKEND"] not in {"file", "smtp"}:
        raise ConfigError("COP_MAIL_BACKEND must be 'file' or 'smtp'")
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(env, instance_path)
    if config["SQLALCHEMY_DATABASE_URI"].startswith(("postgresql://", "postgres://")):
        # libpq-based drivers block the event loop; pg8000 is pure Python and cooperates.
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+pg8000://" + config[
            "SQLALCHEMY_DATABASE_URI"].split("://", 1)[1]
    return config
