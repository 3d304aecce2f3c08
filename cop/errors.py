"""The exception services raise when a request cannot be carried out."""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal whose message is safe and useful to show the person who asked.

    ``field`` names the form field it belongs to, when there is one; ``code`` is the
    stable machine-readable reason (used in Socket.IO acks).
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
