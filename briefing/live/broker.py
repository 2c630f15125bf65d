"""Brokers carry only `(briefing_id, seq)`: a ring that tells listeners to read the log.

A lost ring can delay an event but never lose it, because listeners always read the change
log from their own cursor.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

import redis

from briefing import metrics

log = logging.getLogger(__name__)


class Broker(Protocol):
    def ring(self, briefing_id: int, seq: int) -> None: ...

    def head(self, briefing_id: int) -> int: ...

    def wait(self, briefing_id: int, after_seq: int, timeout: float) -> bool: ...

    def close(self) -> None: ...


class InProcessBroker:
    """Wakes waiters in this process only."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heads: dict[int, int] = {}
        self._closed = False
        metrics.BROKER_UP.set(1)

    def ring(self, briefing_id: int, seq: int) -> None:
        with self._cond:
            if seq > self._heads.get(briefing_id, 0):
                self._heads[briefing_id] = seq
            self._cond.notify_all()

    def close(self) -> None:
        """At shutdown: wake every waiter now, and let no wait block again."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def head(self, briefing_id: int) -> int:
        """The highest sequence number rung for this briefing (0 if none yet)."""
        return self._heads.get(briefing_id, 0)

    def wait(self, briefing_id: int, after_seq: int, timeout: float) -> bool:
        """True when a change after `after_seq` has been rung; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._closed or self._heads.get(briefing_id, 0) > after_seq,
                timeout=timeout,
            )


class RedisBroker(InProcessBroker):
    """Rings travel through Redis pub/sub, so every process hears every change; each
    process then wakes its own waiters as the in-process broker does.

    Redis is a doorbell, not storage: when it is unreachable, ringing logs a warning and
    carries on, and listeners still re-read the change log every few seconds (see
    ChangeHub.recheck). The subscriber reconnects by itself when Redis returns.
    """

    def __init__(self, url: str, *, channel: str = "briefing:changes") -> None:
        super().__init__()
        self.channel = channel
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._url = url
        self._listener: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.stopping = threading.Event()
        metrics.BROKER_UP.set(1 if self.ping() else 0)

    def ring(self, briefing_id: int, seq: int) -> None:
        super().ring(briefing_id, seq)  # this process's waiters need no round trip
        try:
            self._client.publish(self.channel, f"{briefing_id}:{seq}")
        except redis.RedisError as error:
            metrics.BROKER_UP.set(0)
            log.warning("redis unreachable; ring %s:%s not shared: %s", briefing_id, seq, error)

    def head(self, briefing_id: int) -> int:
        self._ensure_listening()
        return super().head(briefing_id)

    def wait(self, briefing_id: int, after_seq: int, timeout: float) -> bool:
        self._ensure_listening()
        return super().wait(briefing_id, after_seq, timeout)

    def close(self) -> None:
        super().close()
        self.stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=5)
        self._client.close()

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except redis.RedisError:
            return False

    def _ensure_listening(self) -> None:
        """Subscribe on first use, so processes that never stream (the CLI) never do."""
        if self._listener is not None:
            return
        with self._start_lock:
            if self._listener is None:
                self._listener = threading.Thread(
                    target=self._listen, name="redis-broker", daemon=True
                )
                self._listener.start()

    def _listen(self) -> None:
        backoff = 0.5
        while not self.stopping.is_set():
            client = redis.Redis.from_url(
                self._url, socket_connect_timeout=2, health_check_interval=10
            )
            try:
                with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    pubsub.subscribe(self.channel)
                    log.info("redis broker subscribed to %s", self.channel)
                    metrics.BROKER_UP.set(1)
                    backoff = 0.5
                    while not self.stopping.is_set():
                        message = pubsub.get_message(timeout=1.0)
                        if message is not None:
                            self._heard(message["data"])
            except redis.RedisError as error:
                metrics.BROKER_UP.set(0)
                log.warning("redis broker lost its subscription (%s); retrying", error)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 30.0)
            finally:
                client.close()

    def _heard(self, data: bytes) -> None:
        try:
            briefing_id, seq = (int(part) for part in data.split(b":"))
        except ValueError:
            log.warning("ignoring malformed ring %r", data)
            return
        InProcessBroker.ring(self, briefing_id, seq)
