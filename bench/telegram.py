"""Telegram throughput and latency through the real stack: `losen run` behind its webhook.

Each bot instance is a real `losen run` process (python-telegram-bot, the webhook server on
uvicorn, the database), talking to the Bot API server from `tests/botapi.py`, which runs in its
own process and notes when each reply arrives. The load generator posts updates to the
instances' webhooks at a steady rate, each from its own chat, with texts from the evaluation
sets (requests, crisis, small talk), and measures the time from posting an update to its
reply reaching the Bot API server.

Telegram's own flood limits (about 30 messages a second per bot) are turned off for the run
(`LOSEN_TELEGRAM_FLOOD_LIMITS=off`): this measures Losen, not Telegram.

Usage: python bench/telegram.py [--rate 300] [--seconds 10] [--instances 1]
                                [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from botapi import FakeBotApi, _free_port  # noqa: E402

SECRET = "bench-secret"
redelivered: list[int] = []
TOKEN = "123:BENCH"
POSTGRES_ADMIN = os.environ.get("LOSEN_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


class TimedBotApi(FakeBotApi):
    """The test Bot API server, noting when the first reply to each chat arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[int, float] = {}
        self.replies: dict[int, int] = {}

    async def _call(self, request: Any) -> Any:
        response = await super()._call(request)
        if request.path_params["method"] == "sendMessage":
            with self._lock:
                chat = int(self.sent[-1]["chat_id"])
                self.arrivals.setdefault(chat, time.time())
                self.replies[chat] = self.replies.get(chat, 0) + 1
        return response


def serve_api(port_out: Any, commands: Any) -> None:
    api = TimedBotApi()
    api.start()
    port_out.send(api.port)
    while commands.recv() == "report":
        with api._lock:
            commands.send((dict(api.arrivals), dict(api.replies)))
    api.stop()


def messages() -> list[str]:
    texts = []
    for name in ("holdout.tsv", "holdout2.tsv", "holdout3.tsv", "test.tsv"):
        with (ROOT / "bench" / "data" / name).open(encoding="utf-8") as f:
            texts += [row["text"] for row in csv.DictReader(f, delimiter="\t",
                                                             quoting=csv.QUOTE_NONE)]
    return texts


def database_url(kind: str, folder: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/bench.db"
    import psycopg

    base, _, _ = POSTGRES_ADMIN.rpartition("/")
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS losen_bench")
        conn.execute("CREATE DATABASE losen_bench")
    return f"{base}/losen_bench"


def start_instance(api_port: int, database: str, folder: str, n: int) -> tuple[Any, int]:
    port = _free_port()
    env = {**os.environ, "LOSEN_TELEGRAM_TOKEN": TOKEN,
           "LOSEN_TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}/bot",
           "LOSEN_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
           "LOSEN_WEBHOOK_SECRET": SECRET, "LOSEN_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
           "LOSEN_DATABASE_URL": database, "LOSEN_TELEGRAM_FLOOD_LIMITS": "off"}
    log = open(f"{folder}/instance-{n}.log", "w")  # noqa: SIM115 - kept open for the process
    profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] \
        if os.environ.get("BENCH_PROFILE") and n == 0 else []
    process = subprocess.Popen([sys.executable, *profile, "-m", "losen.bot.cli", "run"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    return process, port


async def wait_healthy(ports: list[int]) -> None:
    async with httpx.AsyncClient() as client:
        for port in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"instance on port {port} did not start; see its log")
                await asyncio.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def update(n: int, text: str) -> dict[str, Any]:
    chat = 1_000_000 + n
    return {"update_id": n + 1, "message": {
        "message_id": 1, "date": int(time.time()), "text": text,
        "chat": {"id": chat, "type": "private", "first_name": "Bench"},
        "from": {"id": chat, "is_bot": False, "first_name": "Bench", "language_code": "nb"}}}


async def load(ports: list[int], rate: float, seconds: float, texts: list[str]
               ) -> dict[int, float]:
    """Post ``rate`` updates a second for ``seconds``; the time each was posted, by chat."""
    total = int(rate * seconds)
    posted: dict[int, float] = {}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        start = time.monotonic() + 0.2

        async def post(n: int) -> None:
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            body = update(n, texts[n % len(texts)])
            posted[1_000_000 + n] = time.time()
            for attempt in range(3):  # as Telegram does, a refused delivery is sent again
                try:
                    response = await client.post(
                        f"http://127.0.0.1:{ports[n % len(ports)]}/hook", json=body,
                        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                    response.raise_for_status()
                    return
                except httpx.TransportError:
                    redelivered.append(n)
                    await asyncio.sleep(0.05 * (attempt + 1))

        await asyncio.gather(*(post(n) for n in range(total)))
    return posted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    port_in, port_out = ctx.Pipe()
    commands, commands_child = ctx.Pipe()
    api_process = ctx.Process(target=serve_api, args=(port_out, commands_child), daemon=True)
    api_process.start()
    api_port = port_in.recv()
    texts = messages()
    random.Random(7).shuffle(texts)
    with tempfile.TemporaryDirectory() as folder:
        folder = os.environ.get("BENCH_LOGS", folder)
        database = database_url(args.database, folder)
        if args.database == "sqlite" and args.instances > 1:
            print("note: several instances on one SQLite file; use --database postgresql")
        # Create and migrate the database once, before the instances race to do it.
        subprocess.run([sys.executable, "-m", "losen.bot.cli", "stats", "unmet"],
                       env={**os.environ, "LOSEN_DATABASE_URL": database}, check=False,
                       capture_output=True)
        instances = [start_instance(api_port, database, folder, n) for n in range(args.instances)]
        try:
            asyncio.run(wait_healthy([port for _, port in instances]))
            # Warm up: every instance answers a few updates before the clock runs.
            asyncio.run(load([port for _, port in instances], 50, 1, ["hei"]))
            commands.send("report")
            commands.recv()
            began = time.time()
            cpu_before = [cpu_seconds(p.pid) for p, _ in instances]
            posted = asyncio.run(load([port for _, port in instances], args.rate, args.seconds,
                                      texts))
            deadline = time.time() + 30
            while True:
                commands.send("report")
                arrivals, replies = commands.recv()
                answered = [c for c in posted if c in arrivals]
                if len(answered) == len(posted) or time.time() > deadline:
                    break
                time.sleep(0.2)
            ended = max(arrivals[c] for c in answered)
            cpu = sum(cpu_seconds(p.pid) for p, _ in instances) - sum(cpu_before)
        finally:
            for process, _ in instances:
                process.terminate()
            for process, _ in instances:
                process.wait(timeout=30)
            commands.send("stop")
    latencies = sorted((arrivals[c] - posted[c]) * 1000 for c in answered)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{args.instances} instance(s) on {args.database}, offered {args.rate:.0f} updates/s "
          f"for {args.seconds:.0f} s ({len(posted)} updates, {len(set(texts))} distinct texts)")
    print(f"answered {len(answered)}/{len(posted)}; throughput "
          f"{len(answered) / (ended - began):.0f} updates/s")
    print(f"update to reply: median {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms, "
          f"max {latencies[-1]:.1f} ms")
    per_update = cpu / len(answered) * 1000
    print(f"bot CPU per update: {per_update:.2f} ms (all instances together), so one process "
          f"with a core to itself handles about {1000 / per_update:.0f} updates/s; this machine "
          f"has {os.cpu_count()} cores for the bot, the Bot API server and the load generator")
    print(f"deliveries repeated after a connection error: {len(redelivered)}")
    print(f"replies per update: {sum(replies[c] for c in answered) / len(answered):.2f} "
          f"(several when an answer is split or a warm-up chat repeats)")


if __name__ == "__main__":
    main()
