"""A small Server-Sent Events client over http.client, for tests and benchmarks."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Message:
    id: str | None = None
    event: str = "message"
    data: str = ""
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


class SSEClient:
    """Connects at once; `next()` returns the next event (or comment block) as it arrives."""

    def __init__(
        self, host: str, port: int, path: str, *, timeout: float = 10, **headers: str
    ) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **headers})
        self.response = self.connection.getresponse()
        self.retry: int | None = None

    @property
    def headers(self) -> http.client.HTTPMessage:
        return self.response.headers

    def next(self) -> Message | None:
        """The next dispatched block, or None when the server closed the stream."""
        message, seen = Message(), False
        while True:
            raw = self.response.readline()
            if not raw:
                return None
            line = raw.decode().rstrip("\n")
            if line == "":
                if seen:
                    return message
                continue
            seen = True
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
            elif name == "retry":
                self.retry = int(value)
            elif name == "id":
                message.id = value
            elif name == "event":
                message.event = value
            elif name == "data":
                message.data = f"{message.data}\n{value}" if message.data else value

    def events(self, count: int) -> list[Message]:
        """The next `count` events, skipping comment-only blocks."""
        found: list[Message] = []
        while len(found) < count:
            message = self.next()
            assert message is not None, f"stream closed after {len(found)} of {count} events"
            if message.id is not None:
                found.append(message)
        return found

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> SSEClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
