"""Run the benchmarks: `python -m bench` (full) or `python -m bench --quick` (< 1 minute).

Results are printed as a Markdown table to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse

from bench import feeds, http_load, live, media, pages, scale

SUITES = {
    "pages": pages.run,
    "live": live.run,
    "feeds": feeds.run,
    "scale": scale.run,
    "http": http_load.run,
    "media": media.run,
}
# Run only when named: http needs wrk and takes minutes; media decodes dozens of 12 MP photos.
BY_DEFAULT = ["pages", "live", "feeds", "scale"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer requests")
    parser.add_argument(
        "--database-url", help="run against this database (default: a temporary SQLite file)"
    )
    # The empty list among the choices lets "no suite named" (run them all) through argparse.
    parser.add_argument("suites", nargs="*", choices=[*SUITES, []], help="which to run (all)")
    args = parser.parse_args()
    for name in args.suites or BY_DEFAULT:
        SUITES[name](quick=args.quick, database_url=args.database_url)


if __name__ == "__main__":
    main()
