"""The known programmes' names agree with the names the portal itself gives their ids."""

from __future__ import annotations

import gzip

from eudesk.calls.programmes import KNOWN_PROGRAMMES
from eudesk.calls.sources.bundled import bundled_path, iter_json_objects


def test_known_programme_names_agree_with_the_bundled_snapshot() -> None:
    # 43252386 and 44416173 were swapped once: the Justice calls were filed under Interregional Innovation
    with gzip.open(bundled_path(), "rt", encoding="utf-8-sig") as fh:
        text = fh.read()
    portal_names: dict[str, set[str]] = {}
    for _n, obj in iter_json_objects(text, source="bundled"):
        portal_names.setdefault(str(obj["programmeId"]), set()).add(str(obj["programme"]))
    assert KNOWN_PROGRAMMES["43252386"].code == "JUST"
    assert KNOWN_PROGRAMMES["44416173"].code == "I3"
    for pid, names in portal_names.items():
        info = KNOWN_PROGRAMMES.get(pid)
        if info is None:
            continue
        words = {w.lower() for n in names for w in n.replace("(", " ").replace(")", " ").split()}
        ours = {w.lower() for w in info.name.replace("(", " ").replace(")", " ").split()}
        assert ours & words, f"programme {pid} is called {names} by the portal but {info.name!r} here"
