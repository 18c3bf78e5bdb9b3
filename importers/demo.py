"""The demo's district, loaded the way a district's own files come in: written as rosters, imported.

What no roster of ``shared/rosters.md`` carries — service centres (党群服务中心), the residents'
committee director (一肩挑), units liaising with communities — is written directly afterwards, and
said so.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from rich.console import Console

from importers.report import ImportReport
from importers.rosters import RosterKind
from importers.sync import ImportOptions, import_rosters
from importers.writer import RosterFormat, write_rosters
from orggraph.errors import RosterRejectedError
from orggraph.model.kinds import LinkKind, NodeKind
from orggraph.store import Batch, GraphStore, MemoryStore

#: The demo writes these rosters as GB18030 CSV (the rest as .xlsx), as districts' own exports come.
DEMO_CSV = (RosterKind.HOUSEHOLDS, RosterKind.CONTACTS, RosterKind.MEMBERS)


def beyond_rosters(scratch: MemoryStore, as_of: str) -> Batch:
    """Service centres with their links, DIRECTOR_OF, and unit liaison: what no roster carries."""
    batch = Batch("demo:beyond-rosters")
    for centre, attrs in scratch.nodes(NodeKind.SERVICE_CENTRE, as_of=as_of):
        batch.put_attrs(centre, dict(attrs))
        for link in scratch.links(centre, as_of=as_of):
            batch.link(link.kind, link.source, link.target, start=link.start, attrs=link.attrs)
    for kind in (NodeKind.PERSON, NodeKind.UNIT):
        for node, _ in scratch.nodes(kind, as_of=as_of):
            for link in scratch.links(node, as_of=as_of):
                if link.kind is LinkKind.DIRECTOR_OF or (kind is NodeKind.UNIT and link.kind is LinkKind.LIAISES_WITH):
                    batch.link(link.kind, link.source, link.target, start=link.start, attrs=link.attrs)
    return batch


def load_demo(graph_store: GraphStore, district: Any, *, folder: Path, console: Console, run: Any = None) -> ImportReport:
    """Hook ``demo_loader``: write the generated district as rosters into ``folder``, import them, then
    write what no roster carries.

    The generated batches are used up as they are laid out, and the layout is let go before the
    import: a city's batches, its layout and the store being imported into would not fit together in
    24 GiB."""
    scratch = MemoryStore(graph_store.pii_key)
    with console.status("laying out the sample district …"):
        while district.batches:
            scratch.write(district.batches.pop(0))
    with console.status(f"writing rosters into {folder} …"):
        formats = {kind: RosterFormat.CSV for kind in DEMO_CSV}
        paths = write_rosters(scratch, folder, formats=formats, as_of=district.as_of, typed_phones=True)
    extra = beyond_rosters(scratch, district.as_of)
    del scratch
    gc.collect()
    options = ImportOptions(date=district.as_of)
    result: ImportReport = run(graph_store, paths, options, console) if run else import_rosters(graph_store, paths, options)
    if result.rejections:
        raise RosterRejectedError(
            f"the demo's own rosters were rejected ({len(result.rejections)} rows)", message_zh="示例名册被拒绝"
        )
    summary = graph_store.write(extra)
    console.print(
        f"rosters kept in {folder} — edit them in a spreadsheet and run `orggraph import` again; "
        f"{summary.changed} things no roster carries (service centres, 一肩挑 directors, unit liaison) written directly"
    )
    return result
