"""Many SSE subscribers in one separate process (gevent): `python -m bench.sse_load`.

Opens N streams, prints `READY <n>` once every stream has its first line, then records when
each event arrives on each stream. After `expect` events per stream (or a timeout) it prints
one JSON line: for every stream, `[[update_id, received_at], ...]`.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
from gevent.pool import Pool  # noqa: E402


def subscribe(host: str, port: int, path: str, ready: list[int], expect: int) -> list[list]:
    sock = socket.create_connection((host, port), timeout=120)
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    reader = sock.makefile("rb")
    received: list[list] = []
    data = None
    try:
        while True:
            line = reader.readline()
            if not line:
                break
            if line.startswith(b": connected"):
                ready.append(1)
            elif line.startswith(b"data: "):
                data = line[6:]
            elif line == b"\n" and data is not None:
                received.append([json.loads(data)["id"], time.time()])
                data = None
                if len(received) >= expect:
                    break
    finally:
        reader.close()
        sock.close()
    return received


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (args.streams + 256, args.streams + 256))

    ready: list[int] = []
    pool = Pool(args.streams)
    jobs = [
        pool.spawn(subscribe, args.host, args.port, args.path, ready, args.expect)
        for _ in range(args.streams)
    ]
    deadline = time.monotonic() + args.timeout
    while len(ready) < args.streams and time.monotonic() < deadline:
        gevent.sleep(0.05)
    print(f"READY {len(ready)}", flush=True)
    gevent.joinall(jobs, timeout=max(1.0, deadline - time.monotonic()))
    results = [job.value if job.successful() else [] for job in jobs]
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
