"""The load: N python-socketio clients in R rooms, in one gevent process.

Reads its job as JSON on stdin and prints one JSON result per send rate. Each message
carries its id and send time in its body; every receiving client records the delay, so
fan-out latency is measured on one clock, from the send to each delivery.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import socketio  # noqa: E402

NS = "/live"


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of process ``pid`` (Linux /proc)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Load:
    def __init__(self, job: dict) -> None:
        self.job = job
        self.clients: list[socketio.Client] = []
        self.rooms: list[int] = job["rooms"]
        self.room_size = Counter(self.rooms)
        self.latencies: list[float] = []
        self.delivered: Counter = Counter()
        self.acked: dict[str, int] = {}
        self.errors: Counter = Counter()
        self.run_id = uuid.uuid4().hex[:12]
        self.runs = 0

    def _client(self, index: int) -> socketio.Client:
        client = socketio.Client(reconnection=False)

        def on_message(data: dict) -> None:
            now = time.perf_counter()
            message_id, _, sent = data["body"].partition(":")
            self.delivered[message_id] += 1
            self.latencies.append(now - float(sent))

        client.on("message", on_message, namespace=NS)
        headers = {"User-Agent": self.job["user_agent"]}
        if self.job["cookies"]:
            headers["Cookie"] = self.job["cookies"][index]
        client.connect(self.job["url"], namespaces=[NS], headers=headers, transports=["websocket"],
                       wait_timeout=30)
        answer = client.call("join", {"session_id": self.rooms[index]}, namespace=NS, timeout=60)
        if not answer.get("ok"):
            raise RuntimeError(f"join refused: {answer}")
        return client

    def connect_all(self) -> float:
        started = time.perf_counter()
        pool = gevent.pool.Pool(50)
        self.clients = list(pool.imap(self._client, range(len(self.rooms))))
        return time.perf_counter() - started

    def run(self, rate: float, duration: float, drain: float) -> dict:
        self.latencies, self.delivered, self.acked, self.errors = [], Counter(), {}, Counter()
        self.runs += 1
        total = int(rate * duration)
        server_pid = self.job.get("server_pid")
        cpu_before = _cpu_seconds()
        server_before = _cpu_seconds(server_pid) if server_pid else 0.0
        started = time.perf_counter()
        for n in range(total):
            target = started + n / rate
            delay = target - time.perf_counter()
            if delay > 0:
                gevent.sleep(delay)
            index = n % len(self.clients)
            # Unique across runs: a reused client_id would be answered as a resend.
            message_id = f"{self.run_id}-{self.runs}-{n}"

            def ack(answer: dict, message_id: str = message_id, index: int = index) -> None:
                if answer.get("ok"):
                    self.acked[message_id] = self.rooms[index]
                else:
                    self.errors[answer["error"]["code"]] += 1

            self.clients[index].emit("send", {"session_id": self.rooms[index],
                                              "body": f"{message_id}:{time.perf_counter()}",
                                              "client_id": message_id}, namespace=NS, callback=ack)
        send_seconds = time.perf_counter() - started
        # The load shares the cores with the server: report what it took itself.
        loadgen_cpu = (_cpu_seconds() - cpu_before) / max(send_seconds, 1e-9)
        # Wait for every ack (a slow server answers late; that shows up as latency, and a
        # backlog must not spill into the next rate), then for stragglers.
        deadline = time.perf_counter() + 60
        while len(self.acked) + sum(self.errors.values()) < total and time.perf_counter() < deadline:
            gevent.sleep(0.1)
        busy_seconds = time.perf_counter() - started
        server_cpu = (_cpu_seconds(server_pid) - server_before) / busy_seconds if server_pid else None
        gevent.sleep(drain)
        expected = sum(self.room_size[room] for room in self.acked.values())
        delivered = sum(self.delivered[m] for m in self.acked)
        latencies = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) \
                if latencies else float("nan")

        return {"rate": rate, "sent": total, "acked": len(self.acked), "errors": dict(self.errors),
                "send_seconds": round(send_seconds, 2), "expected": expected, "delivered": delivered,
                "lost": expected - delivered,
                "unacked": total - len(self.acked) - sum(self.errors.values()),
                "delivered_per_s": round(delivered / max(send_seconds, 1e-9)),
                "loadgen_cpu_pct": round(loadgen_cpu * 100),
                # From the first send until the last ack: the server's share of one core.
                "server_cpu_pct": round(server_cpu * 100) if server_cpu is not None else None,
                "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
                "max_ms": round(latencies[-1] * 1000, 1) if latencies else float("nan")}



def main() -> None:
    raise_fd_limit()
    job = json.load(sys.stdin)
    load = Load(job)
    connect_seconds = load.connect_all()
    # People join a meeting over minutes, not in one burst: let the server finish the
    # joins' work (presence, attendance, the collector) before measuring.
    gevent.sleep(job.get("settle", 5))
    print(json.dumps({"connected": len(load.clients), "connect_seconds": round(connect_seconds, 1)}),
          flush=True)
    def passed(result: dict) -> bool:
        return result["lost"] == 0 and result["unacked"] == 0 and not result["errors"] \
            and result["p99_ms"] < job["p99_limit_ms"]

    for rate in job["rates"]:
        result = load.run(rate, job["duration"], job["drain"])
        if job["stop_on_failure"] and not passed(result):
            # On a shared machine one neighbour's burst can sink a step: try it once more.
            result = load.run(rate, job["duration"], job["drain"])
            result["retried"] = True
        print(json.dumps(result), flush=True)
        if job["stop_on_failure"] and not passed(result):
            break
    # Exiting drops every connection at once; a polite disconnect per client can take
    # seconds each under some servers and measures nothing.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
