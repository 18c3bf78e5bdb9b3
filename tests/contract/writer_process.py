"""A process that writes to a Bolt store, for the tests of writers in separate processes.

``python -m tests.contract.writer_process URI PREFIX COUNT [--hold S] [--die] [--lease S] [--user U --password P]`` writes
COUNT batches, each putting the street ``<PREFIX><n>``; with ``--hold`` each write waits S seconds
after its changes were sent and before it is released (a long write, its lease renewed meanwhile);
with ``--die`` the process kills itself (SIGKILL) at that moment instead. It prints ``claimed`` when
its first write has sent its changes, and ``done <revision>`` at the end. With ``--ready`` it opens the
store, prints ``ready`` and waits for a line on its standard input before it writes (so that two
writers start at once).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from orggraph.model import Street
from orggraph.store import Batch
from orggraph.store.bolt import BoltConnection
from orggraph.store.neo4j import Neo4jStore
from orggraph.store.neo4j_lease import LeaseTimes
from tests.contract.conftest import KEY


def short_lease(lease_s: float) -> LeaseTimes:
    """Lease times scaled down for a test: renewals three times a lease, a waiter outliving it."""
    return LeaseTimes(lease_s=lease_s, heartbeat_s=lease_s / 5, wait_s=lease_s * 20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("uri")
    parser.add_argument("prefix")
    parser.add_argument("count", type=int)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--die", action="store_true")
    parser.add_argument("--lease", type=float, default=1.5)
    parser.add_argument("--ready", action="store_true", help="print ready once open, and wait for a line on stdin")
    parser.add_argument("--user", default="falkordb")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    store = Neo4jStore(BoltConnection(args.uri, user=args.user, password=args.password), KEY, lease=short_lease(args.lease))
    said = False

    def sent() -> None:
        nonlocal said
        if not said:
            print("claimed", flush=True)
            said = True
        if args.die:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(args.hold)

    store.before_commit = sent
    if args.ready:
        print("ready", flush=True)
        sys.stdin.readline()
    for n in range(args.count):
        batch = Batch(f"{args.prefix}{n}")
        batch.put(Street(code=f"{args.prefix}{n}", name=f"街道{args.prefix}{n}"))
        store.write(batch, audit=("write", {"by": args.prefix}))
    print(f"done {store.revision}", flush=True)
    store.close()


if __name__ == "__main__":
    sys.exit(main())
