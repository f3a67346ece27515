"""Two installations may share one Redis database: their keys and channel groups never meet."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.REDIS_PREFIX, settings.CACHES['default'].get('KEY_PREFIX'), "
    "settings.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('prefix')]))"
)


def _prefixes(tmp_path: Path, **env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HANSEI_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="hansei.settings",
        HANSEI_DATA_DIR=str(tmp_path),
        HANSEI_REDIS_URL="redis://127.0.0.1:6379/0",
        **env,
    )
    script = f"import django; django.setup(); {SHOW}"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    prefixes: list[str] = json.loads(done.stdout)
    return prefixes


def test_each_database_gets_its_own_prefix_for_the_cache_and_the_channel_layer(
    tmp_path: Path,
) -> None:
    one = _prefixes(tmp_path, HANSEI_DATABASE_URL="postgres://postgres@127.0.0.1:5432/one")
    two = _prefixes(tmp_path, HANSEI_DATABASE_URL="postgres://postgres@127.0.0.1:5432/two")
    again = _prefixes(tmp_path, HANSEI_DATABASE_URL="postgres://postgres@127.0.0.1:5432/one")
    assert one[0] == one[1] == one[2] and one[0].startswith("hansei-")
    assert one == again  # every process of one installation agrees
    assert one[0] != two[0]
    sqlite = _prefixes(tmp_path)
    assert sqlite[0] not in (one[0], two[0])


def test_an_operator_may_name_the_prefix(tmp_path: Path) -> None:
    assert _prefixes(tmp_path, HANSEI_REDIS_PREFIX="hansei-staging") == ["hansei-staging"] * 3


@pytest.mark.postgres  # runs with Redis (the PostgreSQL + Redis run)
def test_two_installations_on_one_redis_database_do_not_hear_each_other(settings: Any) -> None:
    from channels_redis.core import RedisChannelLayer

    config = dict(settings.CHANNEL_LAYERS["default"]["CONFIG"])

    async def exchange() -> tuple[Any, Any]:
        first = RedisChannelLayer(**{**config, "prefix": "hansei-test-first"})
        second = RedisChannelLayer(**{**config, "prefix": "hansei-test-second"})
        listener = await second.new_channel()
        await second.group_add("postmortem-1", listener)
        own = await first.new_channel()
        await first.group_add("postmortem-1", own)
        await first.group_send("postmortem-1", {"type": "room.update", "payload": "x"})
        received = await asyncio.wait_for(first.receive(own), 5)
        try:
            leaked = await asyncio.wait_for(second.receive(listener), 1)
        except TimeoutError:
            leaked = None
        await first.flush()
        await second.flush()
        return received, leaked

    # Its own thread: a browser test earlier in this worker may have left an event loop here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        received, leaked = pool.submit(asyncio.run, exchange()).result()
    assert received["payload"] == "x"
    assert leaked is None
