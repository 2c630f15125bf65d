"""One reader of the change log per process and briefing, shared by every connection.

When a change is rung, thousands of open streams in a process wake at once. Without a hub
each would query the log and render the same fragment; with it, the first one in reads and
renders, and the rest take the events from memory.

Memory stays bounded however many briefings are read: a briefing's events are kept while
a stream listens to it, and of the briefings nobody listens to, only the few read most
recently (readers who poll, or who reconnect) are kept.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from briefing.live.broker import Broker
from briefing.live.events import Batch, Event, current_head, read_events

READ_LIMIT = 500


@dataclass
class _Buffer:
    head: int  # the log has been read up to here
    floor: int  # events after this sequence number are all in `events`
    events: deque[Event] = field(default_factory=deque)
    checked_at: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ChangeHub:
    """Recent public events of each briefing, kept in memory for this process.

    `recheck` bounds how stale the buffer may be when rings are lost (a broker outage, or
    a change written by a process that could not ring): the log is re-read at least that
    often, by one connection for all of them. `keep` bounds the events kept per briefing,
    `idle` the number of briefings kept that no stream listens to.
    """

    def __init__(
        self, broker: Broker, *, keep: int = 1_000, recheck: float = 5.0, idle: int = 32
    ) -> None:
        self.broker = broker
        self.keep = keep
        self.recheck = recheck
        self.idle = max(1, idle)
        # Least recently read first.
        self._buffers: OrderedDict[int, _Buffer] = OrderedDict()
        self._listeners: Counter[int] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def listening(self, briefing_id: int) -> Iterator[None]:
        """Keep the briefing's events in memory for as long as a stream is open on it."""
        with self._lock:
            self._listeners[briefing_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._listeners[briefing_id] -= 1
                if self._listeners[briefing_id] <= 0:
                    del self._listeners[briefing_id]
                self._forget_idle()

    def events_after(self, briefing_id: int, cursor: int) -> Batch:
        """Public events after `cursor`, oldest first; needs an app context."""
        buffer = self._buffer(briefing_id)
        with buffer.lock:
            rung = self.broker.head(briefing_id)
            if buffer.head < rung or time.monotonic() - buffer.checked_at >= self.recheck:
                self._catch_up(briefing_id, buffer)
            if cursor >= buffer.floor:
                events = [e for e in buffer.events if e.seq > cursor]
                return Batch(events, max(cursor, buffer.head))
        # A client resuming from further back than memory reaches: straight from the log.
        return read_events(briefing_id, cursor, READ_LIMIT)

    def _buffer(self, briefing_id: int) -> _Buffer:
        with self._lock:
            buffer = self._buffers.get(briefing_id)
            if buffer is None:
                head = current_head(briefing_id)
                buffer = self._buffers[briefing_id] = _Buffer(head=head, floor=head)
                self._forget_idle()
            else:
                self._buffers.move_to_end(briefing_id)
            return buffer

    def _forget_idle(self) -> None:
        """Drop the least recently read briefings nobody listens to, beyond `idle` of them.
        (A reader still holding a dropped buffer finishes with it; the next one starts a
        fresh buffer from the log.)"""
        idle = [b for b in self._buffers if b not in self._listeners]
        for briefing_id in idle[: len(idle) - self.idle]:
            del self._buffers[briefing_id]

    def _catch_up(self, briefing_id: int, buffer: _Buffer) -> None:
        while True:
            batch = read_events(briefing_id, buffer.head, READ_LIMIT)
            buffer.events.extend(batch.events)
            moved = batch.head > buffer.head
            buffer.head = batch.head
            if not moved or batch.head - buffer.floor < READ_LIMIT:
                break
        while len(buffer.events) > self.keep:
            buffer.floor = buffer.events.popleft().seq
        buffer.checked_at = time.monotonic()
