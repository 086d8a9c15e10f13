"""From an invite link to a changed opening time, as a volunteer new to Losen would go (issue 7).

Everything runs as it would for real, on this machine: the Bot API server of `tests/botapi.py`
on 127.0.0.1, then `losen run` (polling, which fills the empty database with the demo
catalogue), `losen admin invite "Demo Bymisjon Oslo"` for the invite, and a fresh SQLite
database in a temporary folder. The volunteer opens the invite (`/start inv_…`), taps the offer
"Matutdeling på Tøyen", taps "Åpningstider" and writes "tirsdag 10-14"; then a person asking
for help, in another chat, asks for food at Tøyen and is shown the new hours.

Usage: /tmp/v/bin/python bench/volunteer.py   (any Python with Losen installed)

It prints the conversation (who said or tapped what, each message of the bot with the buttons
under it and how long the bot took to answer), then the counts of messages and taps, the bot's
time, and an estimate of the volunteer's own time (reading, tapping, typing) with its
assumptions. It exits 1 if the edit is not saved or the person asking does not see it.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In place of this script's folder, where bench/telegram.py would hide python-telegram-bot.
sys.path[0] = str(ROOT / "tests")

from botapi import BOT_USER, FakeBotApi  # noqa: E402
from telegram_harness import TOKEN, markup  # noqa: E402

ORGANISATION = "Demo Bymisjon Oslo"
OFFER = "Matutdeling på Tøyen"
HOURS = "tirsdag 10-14"
SAVED = "Lagret"
SHOWN = ("10:00", "14:00")  # the new hours as people are shown them; the old were 12-15, 16-19
QUESTION = "jeg trenger mat på Tøyen"
VOLUNTEER, ASKER = 7001, 7002

READING_WPM = 200  # words a minute
TAP_SECONDS = 2.0
CHAR_SECONDS = 0.4
NETWORK_SECONDS = 1.0  # Telegram's round trip a step, which the loopback does not have
SETTLE = 0.5  # an answer is complete when nothing more has come for this long


@dataclass
class Step:
    who: str
    did: str
    taps: int = 0
    typed: str = ""
    seconds: float = 0.0
    words: int = 0
    new_words: int = 0
    replies: list[tuple[str, list[list[str]]]] = field(default_factory=list)


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def losen(*args: str) -> list[str]:
    """The command line of ``losen ARGS``, run as bench/telegram.py runs it."""
    return [sys.executable, "-m", "losen.bot.cli", *args]


class Conversation:
    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.steps: list[Step] = []

    def _wait(self, chat: int, step: Step, pushed: float, before: int) -> Step:
        """The bot's messages to ``chat`` after the first ``before``, once it has stopped."""
        seen, last = before, pushed
        deadline = pushed + 30
        while seen == before or time.monotonic() - last < SETTLE:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer to {step.did!r} in 30 s")
            count = len(self.api.texts_to(chat))
            if count > seen:
                seen, last = count, time.monotonic()
            time.sleep(0.005)
        step.seconds = last - pushed
        for index in range(before, seen):
            rows = markup(self.api, chat, index)
            labels = [[b["text"] for b in row]
                      for row in rows.get("inline_keyboard", []) + rows.get("keyboard", [])]
            step.replies.append((plain(self.api.texts_to(chat)[index]), labels))
        self.steps.append(step)
        return step

    def say(self, chat: int, who: str, text: str, taps: int, typed: str = "",
            did: str | None = None) -> Step:
        before = len(self.api.texts_to(chat))
        pushed = time.monotonic()
        self.api.push_text(chat, text)
        return self._wait(chat, Step(who, did or f"writes «{text}»", taps, typed), pushed, before)

    def tap(self, chat: int, who: str, label: str) -> Step:
        """Tap the newest button whose label holds ``label``."""
        mine = [m for m in self.api.sent if int(m["chat_id"]) == chat]
        for index in range(len(mine) - 1, -1, -1):
            for row in markup(self.api, chat, index).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        before = len(mine)
                        pushed = time.monotonic()
                        self.api.push_update(chat, "callback_query",
                                             data=button["callback_data"],
                                             message_id=mine[index]["message_id"])
                        return self._wait(chat, Step(who, f"taps [{button['text']}]", 1),
                                          pushed, before)
        raise RuntimeError(f"no button {label!r} in chat {chat}")


def start_bot(api: FakeBotApi, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(losen("run"), env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not api.calls_of("getUpdates"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"losen run did not start polling:\n{log.read_text()}")
        time.sleep(0.05)
    return process


def play(api: FakeBotApi, env: dict[str, str]) -> tuple[Conversation, str, bool]:
    invite = subprocess.run(losen("admin", "invite", ORGANISATION), env=env,
                            capture_output=True, text=True, check=True).stdout
    payload = re.search(r"\binv_[A-Za-z0-9_-]+", invite)
    assert payload is not None, invite
    talk = Conversation(api)
    talk.say(VOLUNTEER, "volunteer", f"/start {payload.group()}", taps=2,
             did=f"taps the link, then Start (Telegram sends «/start {payload.group()}»)")
    talk.tap(VOLUNTEER, "volunteer", OFFER)
    talk.tap(VOLUNTEER, "volunteer", "Åpningstider")
    saved = talk.say(VOLUNTEER, "volunteer", HOURS, taps=1, typed=HOURS)  # then Send
    answer = talk.say(ASKER, "person asking", QUESTION, taps=1, typed=QUESTION)
    shown = [text.split(OFFER, 1)[1].split("•")[0] for text, _ in answer.replies if OFFER in text]
    ok = any(SAVED in text for text, _ in saved.replies) and any(
        hour in part for part in shown for hour in SHOWN)
    return talk, invite, ok


def count_words(steps: list[Step]) -> None:
    """Each step's words to read: all of them, and those on lines not shown before."""
    seen: set[str] = set()
    for step in steps:
        lines = [line for text, rows in step.replies
                 for line in text.splitlines() + [label for row in rows for label in row]]
        step.words = sum(len(line.split()) for line in lines)
        step.new_words = sum(len(line.split()) for line in lines if line not in seen)
        seen.update(lines)


def report(talk: Conversation, invite: str, ok: bool) -> None:
    volunteer = [s for s in talk.steps if s.who == "volunteer"]
    count_words(volunteer)
    print(f"$ losen run   (polling {BOT_USER['username']} on the Bot API server on 127.0.0.1; "
          f"the empty database gets the demo catalogue)")
    print(f"$ losen admin invite \"{ORGANISATION}\"")
    print("".join(f"  {line}\n" for line in invite.splitlines()))
    for step in talk.steps:
        print(f"{step.who}: {step.did}")
        for text, rows in step.replies:
            print("  bot: " + text.replace("\n", "\n       "))
            for row in rows:
                print("       " + "  ".join(f"[{label}]" for label in row))
        reading = (f"; {step.words} words to read, {step.new_words} of them on lines not shown "
                   f"before" if step.who == "volunteer" else "")
        print(f"  (the bot answered in {step.seconds * 1000:.0f} ms{reading})\n")
    taps = sum(s.taps for s in volunteer)
    typed = sum(len(s.typed) for s in volunteer)
    bot = sum(s.seconds for s in volunteer)
    network = NETWORK_SECONDS * len(volunteer)
    doing = taps * TAP_SECONDS + typed * CHAR_SECONDS + bot + network
    sent = [s for s in volunteer if not s.did.startswith("taps [")]
    print(f"The volunteer, from the invite link to «{SAVED}»:")
    print(f"  {len(sent)} messages sent (/start by Telegram's Start button, «{HOURS}» typed), "
          f"{len(volunteer) - len(sent)} buttons tapped in the bot; "
          f"{sum(len(s.replies) for s in volunteer)} messages from the bot")
    print("  the bot's answer time, from the update's push to its last reply: "
          + ", ".join(f"{s.seconds:.2f} s" for s in volunteer) + f"; total {bot:.2f} s")
    print("  the volunteer's own time, estimated with these assumptions:")
    print(f"    {taps} taps (the invite link, Start, two buttons, Send) at {TAP_SECONDS:.0f} s "
          f"each: {taps * TAP_SECONDS:.1f} s")
    print(f"    typing {typed} characters («{HOURS}») at {CHAR_SECONDS} s a character, as on a "
          f"phone: {typed * CHAR_SECONDS:.1f} s")
    print(f"    Telegram's delivery, which the loopback has not, {NETWORK_SECONDS:.0f} s a step: "
          f"{network:.1f} s")
    print(f"    reading at {READING_WPM} words a minute (a cautious rate for an adult reading "
          f"Norwegian on a phone screen; silent reading of prose is faster):")
    for how, words in (("every word of every message and button", "words"),
                       ("only lines not shown before (the card under «Lagret.» repeats the one "
                        "read a step earlier but for the changed line)", "new_words")):
        count = sum(getattr(s, words) for s in volunteer)
        total = count / READING_WPM * 60 + doing
        print(f"      {how}: {count} words, {count / READING_WPM * 60:.1f} s; with the above "
              f"and the bot's time, {total:.1f} s: {'under' if total < 60 else 'NOT under'} "
              f"a minute")
    print(f"The person asking was shown the new hours ({' or '.join(SHOWN)}) for «{OFFER}»: "
          f"{'yes' if ok else 'NO'}")


def main() -> int:
    api = FakeBotApi()
    api.start()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LOSEN_DATABASE_URL": f"sqlite:///{folder}/volunteer.db",
               "LOSEN_TELEGRAM_TOKEN": TOKEN, "LOSEN_TELEGRAM_API_URL": api.base_url,
               "LOSEN_TELEGRAM_FILE_URL": api.base_file_url, "LOSEN_LANG": "nb",
               "LOSEN_TELEGRAM_BOT_USERNAME": str(BOT_USER["username"])}
        bot = None
        try:
            bot = start_bot(api, env, Path(folder) / "run.log")
            talk, invite, ok = play(api, env)
        finally:
            if bot is not None:
                bot.terminate()
                try:
                    bot.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bot.kill()
                    bot.wait()
            api.stop()
    report(talk, invite, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
