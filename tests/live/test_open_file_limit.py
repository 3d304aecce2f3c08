"""``cop serve`` raises its open-file limit so MAX_CONNECTIONS sockets fit."""

from __future__ import annotations

import resource

from cop import serving


def _fake_limits(monkeypatch, soft: int, hard: int) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (soft, hard))
    monkeypatch.setattr(resource, "setrlimit", lambda kind, limits: calls.append(limits))
    return calls


def test_raises_the_soft_limit_to_fit_the_connections(monkeypatch):
    calls = _fake_limits(monkeypatch, 1024, 65536)
    serving._raise_open_file_limit(10_000)
    assert calls == [(10_256, 65536)]


def test_stops_at_the_hard_limit(monkeypatch):
    calls = _fake_limits(monkeypatch, 1024, 4096)
    serving._raise_open_file_limit(10_000)
    assert calls == [(4096, 4096)]


def test_leaves_a_sufficient_limit_alone(monkeypatch):
    calls = _fake_limits(monkeypatch, 50_000, 65536)
    serving._raise_open_file_limit(10_000)
    assert calls == []
