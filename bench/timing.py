"""Small timing helpers shared by the benchmark suites."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(action: Callable[[], object], *, repeat: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call, `repeat` times, after `warmup` untimed calls."""
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def summary(timings: list[float]) -> tuple[float, float]:
    """(median, p99) in milliseconds."""
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def table(title: str, rows: list[tuple[str, list[float]]]) -> str:
    lines = [
        f"### {title}",
        "",
        "| case | requests | median ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, timings in rows:
        median, p99 = summary(timings)
        lines.append(f"| {name} | {len(timings)} | {median:.2f} | {p99:.2f} |")
    return "\n".join(lines)
