"""Running the real ``cop`` console script in a subprocess, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_cop(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COP_RATELIMIT_ENABLED": "0", **(env or {})}
    return subprocess.run([sys.executable, "-m", "cop.console", *args], cwd=PROJECT_ROOT,
                          env=full_env, input=input, capture_output=True, text=True,
                          timeout=timeout)
