"""The application object for WSGI tooling and `flask --app wsgi`.

Production serving goes through `cop serve`, which monkey-patches for the async mode
before anything is imported; see docs/deploy.md.
"""

from cop import create_app
from cop.extensions import socketio

app = create_app()

__all__ = ["app", "socketio"]
