#!/usr/bin/env python3
"""The floor under a workload: the statements a shop-server ran (SHOP_SQL_TRACE=FILE: a JSON line
each, {"sql", "args"}) run again by a minimal loop over Python's sqlite3 module, on the same
database file, in one process: each SQL text prepared once (as the server's statement cache
does), every row stepped through, no HTTP, JSON or Swift. Prints the loop's CPU seconds (user +
system), the statements and how many failed (temp tables only the server's connections have).

Usage: replay.py DB TRACE    (Benchmarks/http/run.sh runs it with PROFILE=1)
"""
import json
import resource
import sqlite3
import sys

db, trace = sys.argv[1:3]
statements = []
with open(trace, encoding="utf-8") as lines:
    for line in lines:
        o = json.loads(line)
        statements.append((o["sql"], [bytes.fromhex(a["hex"]) if isinstance(a, dict) else a for a in o["args"]]))
con = sqlite3.connect(db, isolation_level=None, cached_statements=4096)
con.execute("PRAGMA mmap_size = 1073741824")  # as the server's connections


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


errors = 0
start = cpu()
for sql, args in statements:
    try:
        for _ in con.execute(sql, args):
            pass
    except sqlite3.Error:
        errors += 1
print(f"{cpu() - start:.3f} {len(statements)} {errors}")
