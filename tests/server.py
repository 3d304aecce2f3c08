"""Real server processes for integration and browser tests.

``cop serve`` runs in a subprocess exactly as in production (eventlet by default,
COP_ASYNC_MODE=gevent for the other mode) against the test database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.cli_helpers import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """One ``cop serve`` process; ``start``/``stop``/``restart`` keep the same port."""

    def __init__(self, database_url: str, instance_path: Path, *, port: int | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = instance_path / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "COP_DATABASE_URL": database_url,
            "COP_INSTANCE_PATH": str(instance_path),
            "COP_BASE_URL": self.url,
            "COP_SECRET_KEY": "test-secret-key",
            "COP_RATELIMIT_ENABLED": "0",
            "COP_MAIL_OUTBOX": str(instance_path / "outbox"),
            **(extra_env or {}),
        }
        instance_path.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> ServerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cop.console", "serve", "--port", str(self.port)],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
