"""Brokers: the in-process one, and Redis pub/sub between processes (real Redis)."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator

import pytest
import redis

from briefing.live.broker import InProcessBroker, RedisBroker
from tests.servers import PrivateRedis, free_port

REDIS_URL = os.environ.get("BRIEFING_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_available() and not os.environ.get("CI"), reason=f"no Redis at {REDIS_URL}"
)


def later(action, delay: float = 0.05) -> threading.Thread:
    thread = threading.Timer(delay, action)
    thread.start()
    return thread


def test_in_process_waiters_wake_on_a_ring_for_their_briefing():
    broker = InProcessBroker()
    ringer = later(lambda: broker.ring(7, 3))
    assert broker.wait(7, 2, timeout=5) is True
    ringer.join()
    assert broker.head(7) == 3 and broker.head(8) == 0
    assert broker.wait(7, 3, timeout=0.05) is False  # nothing after 3 yet
    assert broker.wait(8, 0, timeout=0.05) is False  # another briefing's ring is not ours


def test_closing_a_broker_releases_every_waiter_at_once():
    broker = InProcessBroker()
    closer = later(broker.close)
    started = time.monotonic()
    broker.wait(1, 0, timeout=30)
    closer.join()
    assert time.monotonic() - started < 5


@pytest.fixture
def brokers() -> Iterator[list[RedisBroker]]:
    """Two brokers on one private channel, as two server processes would have."""
    channel = f"briefing-test:{secrets.token_hex(4)}"
    made = [RedisBroker(REDIS_URL, channel=channel) for _ in range(2)]
    yield made
    for broker in made:
        broker.close()


def wait_until_subscribed(publisher: RedisBroker, listener: RedisBroker, briefing_id: int) -> int:
    """Ring until the listener hears one (its subscription starts asynchronously)."""
    for seq in range(1, 200):
        publisher.ring(briefing_id, seq)
        if listener.wait(briefing_id, seq - 1, timeout=0.1):
            return seq
    raise AssertionError("the listener never heard a ring")


@needs_redis
def test_a_ring_in_one_process_wakes_waiters_in_another(brokers):
    publisher, listener = brokers
    seq = wait_until_subscribed(publisher, listener, briefing_id=1)
    ringer = later(lambda: publisher.ring(1, seq + 1))
    assert listener.wait(1, seq, timeout=5) is True
    ringer.join()
    assert listener.head(1) == seq + 1
    assert listener.ping() is True


def test_publishing_survives_an_unreachable_redis(caplog):
    broker = RedisBroker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with caplog.at_level(logging.WARNING, logger="briefing.live.broker"):
            started = time.monotonic()
            broker.ring(1, 5)  # must not raise: the change is committed already
        assert time.monotonic() - started < 3
        assert "not shared" in caplog.text
        assert broker.head(1) == 5  # this process's own readers still hear it
        assert broker.wait(2, 0, timeout=0.1) is False  # waits time out; readers poll the log
        assert broker.ping() is False
    finally:
        broker.close()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_brokers_recover_when_redis_comes_back(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    publisher, listener = RedisBroker(server.url), RedisBroker(server.url)
    try:
        seq = wait_until_subscribed(publisher, listener, briefing_id=1)
        server.kill()
        publisher.ring(1, seq + 1)  # lost: logged, not raised
        server.start()
        wait_until_subscribed(publisher, listener, briefing_id=2)
    finally:
        publisher.close()
        listener.close()
        server.kill()
