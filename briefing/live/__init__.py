"""Live delivery: brokers that wake listeners after a commit, and the streams they wake."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask

from briefing.live.broker import Broker, InProcessBroker, install_doorbell
from briefing.live.hub import ChangeHub


@dataclass
class Live:
    """The process's live-delivery parts, at `app.extensions["briefing.live"]`."""

    broker: Broker
    hub: ChangeHub
    # Set when the server shuts down: open streams end cleanly instead of being cut.
    closing: threading.Event = field(default_factory=threading.Event)

    def shutdown(self) -> None:
        self.closing.set()
        self.broker.close()


def init_app(app: Flask) -> Live:
    broker = make_broker(app)
    live = Live(broker=broker, hub=ChangeHub(broker, recheck=app.config["LIVE_RECHECK"]))
    app.extensions["briefing.live"] = live
    install_doorbell(app, broker)
    return live


def make_broker(app: Flask) -> Broker:
    url = app.config.get("REDIS_URL")
    if not url:
        return InProcessBroker()
    from briefing.live.broker import RedisBroker

    return RedisBroker(url)
