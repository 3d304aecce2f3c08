"""Absolute links for mail and calendar feeds, built on COP_BASE_URL (never the Host header)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, _external=False, **values)


def path_for(endpoint: str, **values: Any) -> str:
    """The site-relative path of ``endpoint``, inside a request or not (CLI, scheduled
    jobs): for links stored in notifications."""
    adapter = current_app.url_map.bind("cop.invalid", script_name="/")
    return adapter.build(endpoint, values)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths may be redirected to after sign-in."""
    return bool(target) and target.startswith("/") and not target.startswith("//") \
        and "\\" not in target
