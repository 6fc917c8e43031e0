#!/usr/bin/env python3
"""Client-side latency of one h2load run (or of several run side by side, their reports in one file).

  latency.py H2LOAD_STDOUT [LOG_FILE] [--h1] [--since-us EPOCH_MICROS]

LOG_FILE is h2load's --log-file (tab-separated: start time in microseconds since the epoch, HTTP status,
microseconds until the end of the response). Prints one JSON object: requests, succeeded, failed/errored,
status counts, h2load's own req/s, and from the log percentiles p50/p99/p99.9/max (nearest rank) plus the
achieved rate (requests / (last end - first start)). --since-us drops requests that started earlier (the
connection ramp-up of a rate run); --h1 ignores the status column (see below).
"""
import json
import re
import sys


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    rank = max(1, int(-(-q * len(sorted_values) // 1)))  # ceil(q*n), nearest-rank
    return sorted_values[min(rank, len(sorted_values)) - 1]


def main():
    args = sys.argv[1:]
    h1 = "--h1" in args
    if h1:
        args.remove("--h1")
    since = 0
    if "--since-us" in args:
        i = args.index("--since-us")
        since = int(args[i + 1])
        del args[i:i + 2]
    out = {}
    text = open(args[0]).read()
    # Several h2load processes (the Poisson rate runs) write one report each into the file: counts add up, the
    # rates too (they ran at the same time), the elapsed time is the longest.
    runs = list(re.finditer(r"finished in ([0-9.]+)(m?s), ([0-9.]+) req/s", text))
    if runs:
        out["elapsed_s"] = max(float(m.group(1)) / (1000 if m.group(2) == "ms" else 1) for m in runs)
        out["tool_rps"] = round(sum(float(m.group(3)) for m in runs), 2)
    for m in re.finditer(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                         r"(\d+) errored, (\d+) timeout", text):
        for i, k in enumerate(("total", "started", "done", "succeeded", "failed", "errored", "timeout")):
            out["req_" + k] = out.get("req_" + k, 0) + int(m.group(i + 1))
    for m in re.finditer(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text):
        status = out.setdefault("status", {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0})
        for i, k in enumerate(("2xx", "3xx", "4xx", "5xx")):
            status[k] += int(m.group(i + 1))
    if h1:
        # h2load's HTTP/1.1 parser misses a status line without a reason phrase (Tomcat's "HTTP/1.1 200 "), so
        # it reports every request as failed with status 0: statuses are unknown here, not errors.
        out["status_unknown"] = True
        out.pop("status", None)
        out["req_failed"] = 0
    if len(args) > 1:
        lat, starts, ends, non200 = [], [], [], 0
        with open(args[1]) as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) < 3:
                    continue
                start, status, micros = int(parts[0]), int(parts[1]), int(parts[2])
                if start < since:
                    continue
                if status != 200 and not h1:
                    non200 += 1
                lat.append(micros / 1000.0)
                starts.append(start)
                ends.append(start + micros)
        lat.sort()
        out["samples"] = len(lat)
        out["non200"] = non200
        if lat:
            out["p50_ms"] = round(percentile(lat, 0.50), 3)
            out["p99_ms"] = round(percentile(lat, 0.99), 3)
            out["p999_ms"] = round(percentile(lat, 0.999), 3)
            out["max_ms"] = round(lat[-1], 3)
            span = (max(ends) - min(starts)) / 1e6
            out["achieved_rps"] = round(len(lat) / span, 1) if span > 0 else None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
