"""Fan-out benchmark for the live rooms (not a test): ``python -m bench.live_fanout``.

N clients in R rooms send at a fixed rate through a real ``cop serve`` (SQLite, one
process: sign-in check, permission check, insert and seq per message) and, in the same
run, through a bare python-socketio broadcast server (bench.bare_server). Reports
fan-out latency percentiles, delivered messages per second and loss for each, per async
mode, then searches for the highest rate with zero loss and p99 under the limit. The
ratio cop/bare is the figure to watch on a noisy machine.

    python -m bench.live_fanout                       # 1,000 clients, 100 rooms, all modes
    python -m bench.live_fanout --clients 100 --rooms 10 --modes eventlet --no-search
    python -m bench.live_fanout --gc-freeze 0         # without the periodic gc.freeze
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "cop-bench"
SECRET_KEY = "bench-secret-key"


def raise_fd_limit() -> None:
    """Every client needs a socket on each side; the children inherit the raised limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(database_url: str, instance: Path, clients: int, rooms: int) -> tuple[list[str], list[int]]:
    """Rooms of clients/rooms members each; returns a session cookie and a meeting per client."""
    import flask
    from flask_login import login_user

    from cop import create_app
    from cop.auth.models import User
    from cop.auth.passwords import hash_password
    from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
    from cop.db import utcnow
    from cop.extensions import db
    from cop.schedule.models import Meeting

    app = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": SECRET_KEY, "COP_ENV": "test"})
    cookies, meetings = [], []
    with app.app_context():
        db.create_all()
        password = hash_password("bench-password")
        users = []
        for room in range(rooms):
            cohort = Cohort(name=f"Bench {room}", status=CohortStatus.ACTIVE, capacity=clients)
            db.session.add(cohort)
            db.session.flush()
            meeting = Meeting(cohort_id=cohort.id, title=f"Room {room}",
                              starts_at=utcnow() - timedelta(minutes=5), duration_minutes=600)
            db.session.add(meeting)
            db.session.flush()
            for n in range(room, clients, rooms):
                user = User(email=f"bench{n}@bench.test", display_name=f"Bench {n}",
                            password_hash=password)
                db.session.add(user)
                db.session.flush()
                db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role=Role.MEMBER))
                users.append((n, user, meeting.id))
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        for _n, user, meeting_id in sorted(users, key=lambda item: item[0]):
            # The cookie a sign-in from this user agent would have produced.
            with app.test_request_context("/", headers={"User-Agent": USER_AGENT},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                login_user(user)
                cookies.append(f"session={serializer.dumps(dict(flask.session))}")
            meetings.append(meeting_id)
    return cookies, meetings


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/socket.io/?EIO=4&transport=polling", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def start_server(kind: str, mode: str, database_url: str, instance: Path, gc_freeze: str,
                 clients: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COP_ASYNC_MODE": mode, "COP_DATABASE_URL": database_url,
           "COP_INSTANCE_PATH": str(instance), "COP_SECRET_KEY": SECRET_KEY, "COP_BASE_URL": url,
           "COP_RATELIMIT_ENABLED": "0", "COP_GC_FREEZE_SECONDS": gc_freeze,
           # The bench measures fan-out, not the per-person limiter.
           "COP_LIVE_RATE_BURST": "1000000", "COP_MAX_CONNECTIONS": str(clients + 100)}
    env.pop("COP_REDIS_URL", None)
    if kind == "cop":
        command = [sys.executable, "-m", "cop.console", "serve", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "bench.bare_server", mode, str(port)]
    log = (instance / f"{kind}-{mode}.log").open("ab")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_until_up(url, process)
    return process, url


def run_load(url: str, cookies: list[str] | None, rooms: list[int], rates: list[float],
             args: argparse.Namespace, server_pid: int | None = None) -> list[dict]:
    job = {"url": url, "cookies": cookies, "rooms": rooms, "rates": rates, "duration": args.duration,
           "drain": args.drain, "user_agent": USER_AGENT, "p99_limit_ms": args.p99_limit,
           "stop_on_failure": len(rates) > 1, "server_pid": server_pid, "settle": args.settle}
    process = subprocess.Popen([sys.executable, "-m", "bench.loadgen"], cwd=PROJECT_ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate(json.dumps(job), timeout=3600)
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def passed(result: dict, args: argparse.Namespace) -> bool:
    return (result.get("lost") == 0 and result.get("unacked") == 0 and not result.get("errors")
            and result.get("p99_ms", 1e9) < args.p99_limit)


def describe(kind: str, result: dict) -> str:
    return (f"  {kind:<5} {result['rate']:>6.0f} msg/s  p50 {result['p50_ms']:>7} ms  "
            f"p90 {result['p90_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  max {result['max_ms']:>7} ms  "
            f"delivered {result['delivered_per_s']:>6}/s  lost {result['lost']}  "
            f"unacked {result['unacked']}  errors {result['errors'] or 0}  "
            f"cpu server {result.get('server_cpu_pct', '?')}% load {result.get('loadgen_cpu_pct', '?')}%")



def bench_mode(mode: str, args: argparse.Namespace, workdir: Path) -> dict:
    database = workdir / f"bench-{mode}.db"
    database.unlink(missing_ok=True)
    database_url = f"sqlite:///{database}"
    cookies, rooms = seed(database_url, workdir, args.clients, args.rooms)
    summary: dict = {"mode": mode}
    search_rates = [r for r in args.search_rates if r > 0] if args.search else []
    for kind in ("cop", "bare"):
        process, url = start_server(kind, mode, database_url, workdir, args.gc_freeze, args.clients)
        try:
            fixed = run_load(url, cookies if kind == "cop" else None, rooms, [args.rate], args,
                             process.pid)
            print(f"[{mode}] {kind}: connected {fixed[0]}", flush=True)
            result = fixed[1] if len(fixed) > 1 else None
            if result:
                print(describe(kind, result), flush=True)
            summary[kind] = {"fixed": result}
            if search_rates:
                steps = run_load(url, cookies if kind == "cop" else None, rooms, search_rates, args,
                             process.pid)[1:]
                for step in steps:
                    print(describe(kind, step) + ("  ok" if passed(step, args) else "  FAIL"), flush=True)
                best = max((s["rate"] for s in steps if passed(s, args)), default=0)
                summary[kind]["max_rate"] = best
                print(f"[{mode}] {kind}: highest zero-loss rate with p99 < {args.p99_limit} ms: "
                      f"{best:.0f} msg/s", flush=True)
        finally:
            process.terminate()
            process.wait(timeout=20)
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--rate", type=float, default=200, help="messages per second (fixed run)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of sending per rate")
    parser.add_argument("--drain", type=float, default=3, help="seconds to wait for stragglers")
    parser.add_argument("--modes", default="eventlet,gevent,threading")
    parser.add_argument("--p99-limit", type=float, default=100)
    parser.add_argument("--search", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--search-rates", type=lambda s: [float(x) for x in s.split(",")],
                        default=[300, 400, 500, 600, 700, 800, 1000, 1200])
    parser.add_argument("--settle", type=float, default=5,
                        help="seconds between the last join and the first send")
    parser.add_argument("--gc-freeze", default="5", help="COP_GC_FREEZE_SECONDS for both servers; 0 = off")
    args = parser.parse_args(argv)
    if args.clients < args.rooms or args.rooms < 1:
        parser.error("need at least one room and at least one client per room")
    raise_fd_limit()
    print(f"{args.clients} clients in {args.rooms} rooms, {args.duration:.0f} s per rate, "
          f"gc.freeze every {args.gc_freeze} s (0 = off)", flush=True)
    summaries = []
    with tempfile.TemporaryDirectory(prefix="cop-bench-") as tmp:
        for mode in args.modes.split(","):
            summaries.append(bench_mode(mode.strip(), args, Path(tmp)))
    print("\nSummary (cop / bare):")
    for summary in summaries:
        cop, bare = summary["cop"], summary["bare"]
        line = f"  {summary['mode']:<9}"
        if cop["fixed"] and bare["fixed"]:
            line += (f" at {args.rate:.0f} msg/s: p99 {cop['fixed']['p99_ms']} vs "
                     f"{bare['fixed']['p99_ms']} ms"
                     f" (x{cop['fixed']['p99_ms'] / max(bare['fixed']['p99_ms'], 0.1):.1f}),"
                     f" lost {cop['fixed']['lost']} vs {bare['fixed']['lost']}")
        if "max_rate" in cop:
            line += (f"; max rate {cop['max_rate']:.0f} vs {bare['max_rate']:.0f} msg/s"
                     f" ({cop['max_rate'] / max(bare['max_rate'], 1):.0%})")
        print(line)


if __name__ == "__main__":
    main()
