"""Brokers carry only `(briefing_id, seq)`: a ring that tells listeners to read the log.

A lost ring can delay an event but never lose it, because listeners always read the change
log from their own cursor.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from briefing.services.changes import PENDING_RINGS

log = logging.getLogger(__name__)


class Broker(Protocol):
    def ring(self, briefing_id: int, seq: int) -> None: ...

    def wait(self, briefing_id: int, after_seq: int, timeout: float) -> bool: ...


class InProcessBroker:
    """Wakes waiters in this process only."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heads: dict[int, int] = {}

    def ring(self, briefing_id: int, seq: int) -> None:
        with self._cond:
            if seq > self._heads.get(briefing_id, 0):
                self._heads[briefing_id] = seq
            self._cond.notify_all()

    def wait(self, briefing_id: int, after_seq: int, timeout: float) -> bool:
        """True when a change after `after_seq` has been rung; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._heads.get(briefing_id, 0) > after_seq, timeout=timeout
            )


def install_doorbell(app: Flask, broker: Broker) -> None:
    """Make `broker` the app's doorbell: rung for each committed change, after the commit."""
    app.extensions["briefing.broker"] = broker
    global _listening
    if not _listening:
        event.listen(Session, "after_commit", _ring_after_commit)
        event.listen(Session, "after_rollback", _forget_after_rollback)
        _listening = True


_listening = False


def _ring_after_commit(session: Session) -> None:
    rings = session.info.pop(PENDING_RINGS, None)
    if not rings or not has_app_context():
        return
    broker = current_app.extensions.get("briefing.broker")
    if broker is None:
        return
    for briefing_id, seq in sorted(rings):
        try:
            broker.ring(briefing_id, seq)
        except Exception:  # the log is the truth; a lost ring only delays listeners
            log.exception("broker ring failed for briefing %s seq %s", briefing_id, seq)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_RINGS, None)
