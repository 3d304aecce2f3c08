"""Outgoing mail: SMTP in production, .eml files in ``instance/outbox`` in development.

Mail never carries what a member wrote: only what happened and a link (see the
notification and reset templates).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, text_body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="cop.local")
    message.set_content(text_body)
    return message


def send_mail(to: str, subject: str, text_body: str) -> None:
    """Send one plain-text mail now. Failures are logged, never shown to the user."""
    message = build_message(to, subject, text_body)
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        log.info("mail %r to %s written to %s", subject, to, path)
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        log.info("mail %r sent to %s", subject, to)
    except (OSError, smtplib.SMTPException):
        log.exception("mail %r to %s could not be sent", subject, to)
