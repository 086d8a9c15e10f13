"""A soak: many people chatting at once with two instances of the bot, each behind its webhook
on one database, through real python-telegram-bot and the Bot API server on 127.0.0.1.

Each simulated person writes a short, realistic conversation and waits for each answer before
the next message, as people do; their messages alternate between the two instances, so every
conversation keeps moving between them. Afterwards every chat must have exactly one answer per
message, and each answer must be the one a single, in-memory dialogue gives to the same
messages in the same order (compared by its first line). Memory is sampled while it runs.

Used by ``tests/test_soak.py`` (short, in CI) and ``bench/soak.py`` (10,000 messages).
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from botapi import FakeBotApi
from catalogue_fixture import index
from losen.bot.dialogue import Dialogue
from losen.bot.state import MemoryStateStore
from losen.catalogue.opening import OSLO
from telegram_harness import Instance, webhook

CONVERSATIONS = (
    ("trenger mat", "Tøyen", "vis flere", "takk"),
    ("leksehjelp i Trondheim", "hei", "ha det"),
    ("jeg vil ikke leve lenger", "trenger noen å snakke med i Bodø"),
    ("språkkafé i Stavanger", "vis flere", "er dette anonymt?"),
    ("hva kan du?", "kor kan æ få klær i Tromsø", "takk skal du ha"),
    ("har ikkje pengar til mat", "Sandnes", "kva med leksehjelp?"),
)
FIRST_CHAT = 700_000


@dataclass
class SoakResult:
    users: int
    messages: int
    seconds: float
    missing: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    redelivered: int = 0
    """Posts the load generator repeated after a connection error (Telegram does the same)."""
    rss_mb: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.doubled or self.out_of_order)

    def report(self) -> str:
        lat = sorted(self.latencies_ms) or [0.0]
        tenth = max(1, len(self.rss_mb) // 10)
        first = sum(self.rss_mb[:tenth]) / tenth if self.rss_mb else 0.0
        last = sum(self.rss_mb[-tenth:]) / tenth if self.rss_mb else 0.0
        return "\n".join([
            f"{self.messages} messages from {self.users} people, two instances, "
            f"{self.seconds:.1f} s ({self.messages / self.seconds:.0f} messages/s)",
            f"answered exactly once: {self.messages - len(self.missing) - len(self.doubled)}"
            f"/{self.messages}; missing {len(self.missing)}, doubled {len(self.doubled)}, "
            f"not in order {len(self.out_of_order)}; deliveries repeated after a connection "
            f"error: {self.redelivered}",
            f"message to answer: median {lat[len(lat) // 2]:.1f} ms, "
            f"p99 {lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0]:.1f} ms, "
            f"max {lat[-1]:.1f} ms",
            f"resident memory of the process (both instances and the Bot API server): "
            f"first tenth {first:.1f} MB, last tenth {last:.1f} MB, "
            f"peak {max(self.rss_mb or [0.0]):.1f} MB; by quarter of the run: "
            + ", ".join(f"{q:.1f}" for q in self.quarters()) + " MB",
        ])

    def quarters(self) -> list[float]:
        """Mean memory in each quarter of the run: flat means no growth after warming up."""
        n = len(self.rss_mb)
        if n < 4:
            return []
        parts = [self.rss_mb[i * n // 4:(i + 1) * n // 4] for i in range(4)]
        return [sum(part) / len(part) for part in parts]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def script(user: int, messages: int) -> list[str]:
    """What one person writes: conversations one after another."""
    out: list[str] = []
    n = user
    while len(out) < messages:
        out.extend(CONVERSATIONS[n % len(CONVERSATIONS)])
        n += 1
    return out[:messages]


def expected_first_lines(texts: list[str], now: datetime) -> list[str]:
    reference = Dialogue(index(), MemoryStateStore())
    return [reference.answer("ref", text, now).text.split("\n")[0] for text in texts]


class Inbox:
    """The bot's messages per chat, read from the Bot API server as they arrive (and then
    dropped there, so the server's record does not grow through a long run)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.by_chat: dict[int, list[tuple[float, str]]] = {}

    def collect(self) -> None:
        with self.api._lock:
            new, self.api.sent = self.api.sent, []
        now = time.monotonic()
        for message in new:
            self.by_chat.setdefault(int(message["chat_id"]), []).append(
                (now, message.get("text", "")))

    def count(self, chat: int) -> int:
        return len(self.by_chat.get(chat, ()))


async def run_soak(api: FakeBotApi, url: str, users: int, messages_each: int,
                   timeout: float = 30.0) -> SoakResult:
    a, b = Instance.open(url), Instance.open(url)
    inbox = Inbox(api)
    result = SoakResult(users, users * messages_each, 0.0)
    now = datetime.now(OSLO)
    try:
        async with webhook(a.application(api, polling=False), a.engine) as on_a, \
                webhook(b.application(api, polling=False), b.engine) as on_b:
            stop = asyncio.Event()

            async def watch() -> None:
                while not stop.is_set():
                    inbox.collect()
                    result.rss_mb.append(rss_mb())
                    await asyncio.sleep(0.01)

            async def person(user: int) -> None:
                chat = FIRST_CHAT + user
                for k, text in enumerate(script(user, messages_each)):
                    hook = on_a if (user + k) % 2 == 0 else on_b
                    sent = time.monotonic()
                    update = api.text_update(chat, text)
                    for attempt in range(3):  # as Telegram redelivers an update it could not
                        try:
                            await hook.post(update)
                            break
                        except httpx.TransportError:
                            result.redelivered += 1
                            await asyncio.sleep(0.5 * (attempt + 1))
                    deadline = sent + timeout
                    while inbox.count(chat) <= k and time.monotonic() < deadline:
                        await asyncio.sleep(0.005)
                    if inbox.count(chat) > k:
                        result.latencies_ms.append((inbox.by_chat[chat][k][0] - sent) * 1000)

            watcher = asyncio.create_task(watch())
            started = time.monotonic()
            await asyncio.gather(*(person(u) for u in range(users)))
            result.seconds = time.monotonic() - started
            await asyncio.sleep(0.5)  # anything late or doubled arrives now
            stop.set()
            await watcher
            inbox.collect()
    finally:
        a.engine.dispose()
        b.engine.dispose()
    expected: dict[tuple[str, ...], list[str]] = {}
    for user in range(users):
        chat, texts = FIRST_CHAT + user, script(user, messages_each)
        got = [text.split("\n")[0] for _, text in inbox.by_chat.get(chat, [])]
        want = expected.setdefault(tuple(texts), expected_first_lines(texts, now))
        if len(got) < len(texts):
            result.missing += [f"{chat}:{k}" for k in range(len(got), len(texts))]
        if len(got) > len(texts):
            result.doubled += [f"{chat}:{k}" for k in range(len(texts), len(got))]
        result.out_of_order += [f"{chat}:{k}" for k, (g, w) in enumerate(zip(got, want, strict=False))
                                if g != w]
    gc.collect()
    return result
