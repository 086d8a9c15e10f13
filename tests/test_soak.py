"""The soak in its short form (the full one is ``bench/soak.py``): people chatting at once
with two instances on one database, every message answered exactly once and in order."""

from __future__ import annotations

import pytest
from botapi import FakeBotApi
from soak import run_soak


async def test_many_people_at_once_on_two_instances_every_message_answered_once_in_order(
        api: FakeBotApi, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = await run_soak(api, database_url, users=40, messages_each=8)
    with capsys.disabled():
        print("\n" + result.report())
    assert result.ok, (result.missing[:5], result.doubled[:5], result.out_of_order[:5])
    assert len(result.latencies_ms) == result.messages
