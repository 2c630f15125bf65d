"""Live delivery: brokers that wake listeners after a commit, and the streams they wake.

The doorbell is hooked here, once per process: after each commit that recorded changes,
the app's broker is rung with their `(briefing_id, seq)`, then the app's after-commit
subscribers are handed the same rings.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from briefing.live.broker import Broker, InProcessBroker
from briefing.live.hub import ChangeHub
from briefing.services.changes import PENDING_RINGS

log = logging.getLogger(__name__)
Rings = Sequence[tuple[int, int]]


@dataclass
class Live:
    """The process's live-delivery parts, at `app.extensions["briefing.live"]`."""

    broker: Broker
    hub: ChangeHub
    # Set when the server shuts down: open streams end cleanly instead of being cut.
    closing: threading.Event = field(default_factory=threading.Event)
    # Other side effects that must wait for the commit (WebSub pings), after the broker.
    after_commit: list[Callable[[Rings], None]] = field(default_factory=list)

    def shutdown(self) -> None:
        self.closing.set()
        self.broker.close()


def init_app(app: Flask) -> Live:
    broker = make_broker(app)
    live = Live(broker=broker, hub=ChangeHub(broker, recheck=app.config["LIVE_RECHECK"]))
    app.extensions["briefing.live"] = live
    return live


def make_broker(app: Flask) -> Broker:
    url = app.config.get("REDIS_URL")
    if not url:
        return InProcessBroker()
    from briefing.live.broker import RedisBroker

    return RedisBroker(url)


def subscribe_after_commit(app: Flask, subscriber: Callable[[Rings], None]) -> None:
    """Also hand each commit's `(briefing_id, seq)` rings to `subscriber`, after the broker.
    Like any listener, a subscriber reads what changed from the log; it must return at
    once, so slow work belongs on a thread of its own."""
    app.extensions["briefing.live"].after_commit.append(subscriber)


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    rings = session.info.pop(PENDING_RINGS, None)
    if not rings or not has_app_context():
        return
    live: Live | None = current_app.extensions.get("briefing.live")
    if live is None:
        return
    for briefing_id, seq in sorted(rings):
        try:
            live.broker.ring(briefing_id, seq)
        except Exception:  # the log is the truth; a lost ring only delays listeners
            log.exception("broker ring failed for briefing %s seq %s", briefing_id, seq)
    for subscriber in live.after_commit:
        try:
            subscriber(sorted(rings))
        except Exception:  # a side effect never undoes or blocks a committed change
            log.exception("after-commit subscriber %r failed", subscriber)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_RINGS, None)
