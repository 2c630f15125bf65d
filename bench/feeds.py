"""Feeds of a large briefing: cold generation, warm (cached bytes) and 304, per format.

Seeds the same briefing as the page benchmark (10,000 published updates; 2,000 with
--quick), then times in-process requests:

- cold: the feed cache is emptied before each request, so every request reads the
  database, builds the feed document and serializes it (the cost of the first request
  after any change to the briefing);
- warm: the bytes of the current version are cached; the request reads the version;
- 304: the same, with the client's ETag in If-None-Match.

Warm and 304 requests are also checked to build nothing.
"""

from __future__ import annotations

from bench.pages import seeded_app
from bench.timing import measure, table

FORMATS = ("rss", "atom", "json")


def run(*, quick: bool, database_url: str | None) -> None:
    count = 2_000 if quick else 10_000
    cold_repeat = 20 if quick else 200
    repeat = 200 if quick else 2_000
    app, url, _, seeded = seeded_app(count, database_url)

    client = app.test_client()
    cache = app.extensions["briefing.feeds"].cache

    def get(path: str, etag: str | None = None, status: int = 200) -> str:
        headers = {"If-None-Match": etag} if etag else {}
        response = client.get(path, headers=headers)
        assert response.status_code == status, (path, response.status_code)
        response.close()
        return response.headers["ETag"]

    def cold(path: str) -> None:
        cache.clear()
        get(path)

    def cases(scope: str, path: str) -> list[tuple[str, list[float]]]:
        cold_timings = measure(lambda: cold(path), repeat=cold_repeat)
        etag = get(path)
        built = cache.builds
        warm = measure(lambda: get(path), repeat=repeat)
        not_modified = measure(lambda: get(path, etag, status=304), repeat=repeat)
        assert cache.builds == built, "a warm or 304 request built the feed"
        size = len(client.get(path).data) / 1024
        return [
            (f"{scope}, cold ({size:.0f} KiB)", cold_timings),
            (f"{scope}, warm", warm),
            (f"{scope}, 304", not_modified),
        ]

    rows = []
    for fmt in FORMATS:
        rows += cases(f"briefing {fmt}", f"/briefings/bench/feed.{fmt}")
    for fmt in FORMATS:
        rows += cases(f"site-wide {fmt}", f"/feed.{fmt}")

    dialect = url.split(":", 1)[0]
    print(table(f"Feeds, {count:,} updates in one briefing ({dialect})", rows))
    print(f"\n(bulk-seeding {count:,} updates took {seeded:.1f} s)\n")
