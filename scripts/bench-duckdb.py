#!/usr/bin/env python3
"""The rival `chitieu bench` measures the engine against: DuckDB over its own rollup.

`chitieu bench` writes its data set as CSV and runs this script when `python3 -c "import
duckdb"` works (`pip install duckdb`). The script loads the values, builds a rollup per
indicator x province x month (what a warehouse would keep), then times the national
overview from that rollup with the engine's rules: a flow sums its months, a stock (and a
ratio) takes its last month with data, a ratio divides the sums of its numerators and
denominators. It prints one JSON object: latencies and every figure, which the bench checks
against the engine's.

Usage: bench-duckdb.py VALUES_CSV INDICATORS_CSV YEAR RUNS
"""

import json
import sys
import time

import duckdb

values_csv, indicators_csv, year, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
con = duckdb.connect()
started = time.perf_counter()
con.execute(
    "CREATE TABLE v AS SELECT * FROM read_csv(?, header = true, columns = {"
    "'indicator': 'VARCHAR', 'province': 'VARCHAR', 'month': 'INTEGER', "
    "'a': 'DOUBLE', 'b': 'DOUBLE'})",
    [values_csv],
)
con.execute(
    "CREATE TABLE ind AS SELECT * FROM read_csv(?, header = true, columns = {"
    "'indicator': 'VARCHAR', 'time': 'VARCHAR', 'ratio': 'BOOLEAN', 'factor': 'DOUBLE'})",
    [indicators_csv],
)
loaded = time.perf_counter() - started
started = time.perf_counter()
con.execute(
    "CREATE TABLE rollup AS SELECT indicator, province, month, sum(a) AS a, sum(b) AS b "
    "FROM v GROUP BY ALL ORDER BY indicator, province, month"
)
rolled = time.perf_counter() - started

# arg_max picks the last month's sums without a window: the quickest form found for DuckDB
# (a version with row_number() over each series took twice as long).
OVERVIEW = """
SELECT r.indicator, r.province,
       CASE WHEN any_value(ind.ratio)
            THEN CASE any_value(ind.time)
                   WHEN 'last' THEN arg_max(r.a, r.month) / arg_max(r.b, r.month)
                   ELSE sum(r.a) / sum(r.b) END * any_value(ind.factor)
            ELSE CASE any_value(ind.time)
                   WHEN 'sum' THEN sum(r.a)
                   WHEN 'average' THEN avg(r.a)
                   ELSE arg_max(r.a, r.month) END
       END
FROM rollup r JOIN ind USING (indicator)
WHERE r.month BETWEEN $first AND $last
GROUP BY r.indicator, r.province
"""
params = {"first": year * 100 + 1, "last": year * 100 + 12}
samples = []
rows = []
for _ in range(runs):
    t = time.perf_counter()
    rows = con.execute(OVERVIEW, params).fetchall()
    samples.append(time.perf_counter() - t)
samples.sort()


def at(q):
    return samples[round((len(samples) - 1) * q)] * 1e3


print(
    json.dumps(
        {
            "version": duckdb.__version__,
            "load_s": loaded,
            "rollup_s": rolled,
            "p50_ms": at(0.5),
            "p95_ms": at(0.95),
            "runs": len(samples),
            "figures": [[i, p, x] for (i, p, x) in rows],
        }
    )
)
