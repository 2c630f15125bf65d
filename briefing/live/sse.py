"""The Server-Sent Events stream of one briefing."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator

from sqlalchemy.exc import InterfaceError, OperationalError

from briefing import metrics
from briefing.extensions import db
from briefing.live.events import Batch
from briefing.live.hub import ChangeHub

log = logging.getLogger(__name__)


def event_stream(
    hub: ChangeHub,
    briefing_id: int,
    cursor: int,
    *,
    heartbeat: float,
    retry_ms: int,
    closing: threading.Event,
    read: Callable[[int, int], Batch] | None = None,
) -> Iterator[str]:
    """Events after `cursor`, then each new one as it is rung, until the briefing ends or
    the server shuts down. No database connection is held while waiting. The events are
    the public ones the hub keeps, unless `read(briefing_id, cursor)` reads others."""
    read = read or hub.events_after
    # The hub keeps this briefing's events while anyone listens; the gauge counts streams.
    with metrics.OPEN_STREAMS.track_inprogress(), hub.listening(briefing_id):
        # Sent at once, so proxies and the browser see a live response straight away.
        yield f"retry: {retry_ms}\n: connected\n\n"
        quiet_since = time.monotonic()
        while not closing.is_set():
            try:
                batch = read(briefing_id, cursor)
            except (OperationalError, InterfaceError) as error:
                log.warning("briefing %s: stream waits for the database: %s", briefing_id, error)
                batch = None
            finally:
                db.session.remove()
            if batch is None:
                # The database is away (a restart, a failover). Keep the stream and its cursor
                # and read again shortly: what is committed meanwhile still comes, once.
                closing.wait(min(heartbeat, hub.recheck))
                yield ": heartbeat\n\n"
                quiet_since = time.monotonic()
                continue
            for event in batch.events:
                yield event.as_sse()
                if event.type == "ended":
                    return
            if batch.events:
                quiet_since = time.monotonic()
            cursor = batch.head
            if hub.broker.wait(briefing_id, cursor, timeout=min(heartbeat, hub.recheck)):
                continue
            if time.monotonic() - quiet_since >= heartbeat:
                yield ": heartbeat\n\n"
                quiet_since = time.monotonic()
