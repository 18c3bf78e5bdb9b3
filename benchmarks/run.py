"""``python -m benchmarks.run SUITE [--scale S] [--repeat N]``: print one JSON object of figures.

Suites: ``core`` (generate, write, save, open, memory); ``importers`` (rosters synced into a store:
whole set, households as csv and xlsx, unchanged re-import, memory); ``queries`` (coverage rules,
escalation paths, the 1+10 proposal); ``api`` (the service over HTTP under ``wrk``);
``web`` (the planners' page in headless Chromium); ``bolt`` (the Neo4j engine on a local
FalkorDB server, side by side with the embedded engine); ``peers`` (the hottest coverage rule beside
LadybugDB on the same district); ``cases`` (the case loop: a month's cases reported and carried
through their lifecycle over HTTP, the clock's tick and the month's metrics, on the embedded and the
Bolt engine); ``search`` (``GET /v1/search`` over HTTP at three scopes, and the index build).
Figures are medians of ``--repeat`` runs; every run's figure is listed under ``runs``.
Budgets are printed beside the figures, never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from typing import Any

from benchmarks import api, bolt, cases, core, importers, peers, queries, search, web
from orggraph.generator import Scale

SUITES = {
    "core": core.run,
    "importers": importers.run,
    "queries": queries.run,
    "api": api.run,
    "web": web.run,
    "bolt": bolt.run,
    "peers": peers.run,
    "cases": cases.run,
    "search": search.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--scale", type=Scale, default=Scale.DISTRICT, choices=list(Scale))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures: dict[str, Any] = SUITES[args.suite](args.scale, args.repeat)
    figures["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
