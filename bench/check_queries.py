#!/usr/bin/env python3
"""Check that the canned queries give the same answers as an earlier version of them.

    bench/check_queries.py --store DIR [--old-rev REV] [--query NAME ...]

Runs every query in queries/ and the same query as it was at git revision REV (default: 9d1661f, before
the kg:nameKey rewrite of issue 7) on the store, with the examples and a set of further bindings (names in
other cases, IRIs, names that match nothing, hostile strings, optional parameters left out), and compares
the answers: the same variables, the same rows as sets, no duplicate rows, and the rows in the same order
as far as the ORDER BY variables decide it. The store must have been built by the current `kg build` (the
new queries look names up in kg:nameKey). Exit 1 when any answer differs.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ORGS = ["DJI", "dji", "Politie", "politie", "OM", "Openbaar Ministerie", "NCTV", "COA", "IND",
        "https://kg.example.org/id/organisation/dienst-justitiele-inrichtingen", "nothing", 'DJI" } ; #']
LEGAL = ["Penitentiaire beginselenwet", "penitentiaire beginselenwet", "Wet justitiële en strafvorderlijke gegevens",
         "AVG", "Awb", "Wetboek van Strafvordering", "https://kg.example.org/id/legal/penitentiaire-beginselenwet",
         "nothing", "Pbw"]
CASES = {
    "laws-for-organisation": [{"organisation": o} for o in ORGS],
    "programmes-for-organisation": [{}] + [{"organisation": o} for o in ORGS],
    "organisations-together": [{}] + [{"organisation": o} for o in ORGS],
    "organisations-for-law": [{"legal": x} for x in LEGAL],
    "mentions-of-entity": [{"entity": x} for x in ORGS + LEGAL + ["oorg10114", "OORG10114", "BWBR0009709", "32016L0680"]],
    "find-entity": [{"text": x} for x in ["richtlijn", "DJI", "wet", "oorg", "zzz", "Richtlijn", "JUSTITIËLE", "kst-", 'a" } #']],
    "kamerstukken": [{}, {"section": "3.1.4"}, {"section": "3.1.1"}, {"section": "3.2"}, {"section": ""}, {"section": "9.9.9"}],
    "legal-instruments": [{}] + [{"status": s} for s in ["bill-pending", "in-force", "adopted", "unknown"]],
    "timeline": [{}, {"from": "2024-07"}, {"until": "2024-12"}, {"from": "2023", "until": "2024-03"},
                 {"from": "2024-07", "until": "2024-12"}, {"from": "2024-07-01", "until": "2024"}],
    "figures": [{}, {"topic": "opvang"}, {"topic": "euro"}, {"topic": "OPVANG"}, {"topic": "zzz"}, {"topic": "personen"}],
}


def main(argv: list[str] | None = None) -> int:
    import pyoxigraph as ox

    from kg import query as Q

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, type=Path)
    ap.add_argument("--old-rev", default="9d1661f")
    ap.add_argument("--query", action="append", help="only this query (repeatable)")
    args = ap.parse_args(argv)
    store = ox.Store.read_only(str(args.store))

    def rows(text: str):
        res = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in res.variables]
        return names, [tuple(None if s[v] is None else str(s[v]) for v in names) for s in res]

    bad = 0
    for q in Q.list_queries():
        if args.query and q.name not in args.query:
            continue
        try:
            old_text = subprocess.run(["git", "-C", str(ROOT), "show", f"{args.old_rev}:queries/{q.name}.rq"],
                                      check=True, capture_output=True, text=True).stdout
        except subprocess.CalledProcessError:
            print(f"new  {q.name}: not in {args.old_rev}")
            continue
        old = Q._parse_header_text(old_text, q.path)  # its own parameters (types) and text
        order = re.findall(r"\?(\w+)", (re.search(r"ORDER BY (.*)", q.text) or [None, ""])[1])
        for params in CASES.get(q.name, [{}]):
            vo, ro = rows(Q.bind(old, params))
            vn, rn = rows(Q.bind(q, params))
            same = vo == vn and set(ro) == set(rn) and len(rn) == len(set(rn))
            keys = [vn.index(v) for v in order if v in vn]
            if same and len(ro) == len(rn):
                same = [tuple(r[i] for i in keys) for r in ro] == [tuple(r[i] for i in keys) for r in rn]
            bad += not same
            print(f"{'same' if same else 'DIFF'} {q.name} {params}: {len(rn)} rows"
                  + ("" if len(ro) == len(set(ro)) else f" (the old query gave {len(ro) - len(set(ro))} duplicates)"))
            if not same:
                print("   only old:", sorted(set(ro) - set(rn))[:3])
                print("   only new:", sorted(set(rn) - set(ro))[:3])
    print(f"{bad} answers differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
