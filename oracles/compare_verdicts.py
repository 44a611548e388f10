#!/usr/bin/env python3
"""Compares two harnesses' verdicts on one x509-limbo suite; Go is the oracle.

    compare_verdicts.py SUITE.json GO-RESULTS.json OKD-TRUST-RESULTS.json

Prints every case decided differently (with the case's description, which for generated chains
lists the knobs turned) and one summary line; exits 1 on any disagreement. Standard library only.
"""

import json
import sys


def compare(suite_path, go_path, ours_path):
    suite = {c["id"]: c for c in json.load(open(suite_path))["testcases"]}
    go = {r["id"]: r for r in json.load(open(go_path))["results"]}
    ours = {r["id"]: r for r in json.load(open(ours_path))["results"]}
    counts = {"SUCCESS": 0, "FAILURE": 0, "SKIPPED": 0}
    accepts, rejects, skipped = [], [], []
    for case_id in suite:
        g, o = go.get(case_id), ours.get(case_id)
        if g is None or o is None:
            skipped.append((case_id, g, o))
            continue
        counts[g["actual_result"]] += 1
        if g["actual_result"] == o["actual_result"]:
            continue
        if o["actual_result"] == "SUCCESS":
            accepts.append((case_id, g, o))
        elif o["actual_result"] == "FAILURE" and g["actual_result"] == "SUCCESS":
            rejects.append((case_id, g, o))
        else:
            skipped.append((case_id, g, o))
    total = len(suite)
    agree = total - len(accepts) - len(rejects) - len(skipped)
    for title, rows in (("ACCEPTED where Go rejects", accepts), ("rejected where Go accepts", rejects),
                        ("decided by one side only", skipped)):
        for case_id, g, o in rows:
            print(f"{title}: {case_id}\n  knobs: {suite[case_id]['description']}\n"
                  f"  go: {g and g['actual_result']} {g and g['context']}\n"
                  f"  okd-trust: {o and o['actual_result']} {o and o['context']}")
    print(f"chains: {total} (Go: {counts['SUCCESS']} trusted, {counts['FAILURE']} refused); agree {agree}/{total}; "
          f"accepted where Go rejects {len(accepts)}; rejected where Go accepts {len(rejects)}; "
          f"one-sided {len(skipped)}")
    return 0 if agree == total else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(compare(*sys.argv[1:]))
