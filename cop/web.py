"""What every page shares: security headers, error pages and template helpers."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from cop.permissions import Action, can
from cop.safety.resources import CRISIS_LINES
from cop.timefmt import format_local

log = logging.getLogger(__name__)

# Strict: nothing inline, nothing from another host. 'self' covers the same-origin websocket.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Form fields never echoed back on an error page.
_SECRET_FIELDS = {"password", "confirm", "current_password", "csrf_token"}


def init_app(app: Flask) -> None:
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)

    @app.context_processor
    def helpers() -> dict[str, object]:
        def localtime(moment: object, with_zone: bool = True) -> str:
            return format_local(moment, current_user.timezone or "UTC", with_zone)  # type: ignore[arg-type]

        return {"can": can, "Action": Action, "crisis_lines": CRISIS_LINES,
                "localtime": localtime}


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint and request.endpoint != "static":
        # Pages hold disclosures: keep them out of shared caches and the back-forward cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    # Keep what the person typed: show it back so nothing is lost.
    kept = {k: v for k, v in request.form.items() if k.split("-")[-1] not in _SECRET_FIELDS and v}
    return render_template("errors/csrf.html", kept=kept), 400


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    if error.code == 429 and request.endpoint in {"auth.login", "auth.request_reset"}:
        from cop.auth.forms import LoginForm, ResetRequestForm

        form_class = LoginForm if request.endpoint == "auth.login" else ResetRequestForm
        form = form_class()
        form.form_errors.append("Too many attempts. Please wait a minute, then try again.")
        template = "auth/login.html" if request.endpoint == "auth.login" else "auth/reset_request.html"
        return render_template(template, form=form), 429
    template = f"errors/{error.code}.html" if error.code in {403, 404, 429, 500} else "errors/generic.html"
    return render_template(template, error=error), error.code


def _unexpected_error(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return render_template("errors/500.html"), 500
