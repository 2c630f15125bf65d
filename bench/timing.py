"""Small timing helpers shared by the benchmark suites."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(
    action: Callable[[], object],
    *,
    repeat: int,
    warmup: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Milliseconds per call, `repeat` times, after `warmup` untimed calls. With
    `clock=time.thread_time`, the CPU time this thread spent: what a call costs, undisturbed
    by other processes on a busy machine."""
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(repeat):
        start = clock()
        action()
        timings.append((clock() - start) * 1000)
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


def measure_interleaved(
    actions: dict[str, Callable[[], object]], *, repeat: int, warmup: int = 5
) -> dict[str, tuple[list[float], list[float]]]:
    """Like `measure`, for several actions taking turns, so that a change in the machine's
    load during the run falls on all of them alike and their ratios stay fair. Each call is
    timed on both clocks: (wall-clock, CPU time of this thread) milliseconds per action."""
    for action in actions.values():
        for _ in range(warmup):
            action()
    timings: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            wall, cpu = time.perf_counter(), time.thread_time()
            action()
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            timings[name][0].append(wall * 1000)
            timings[name][1].append(cpu * 1000)
    return timings
