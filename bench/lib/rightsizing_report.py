#!/usr/bin/env python3
"""Writes the right-sizing benchmark's Markdown report (bench/rightsizing.sh) from its raw directory.

  rightsizing_report.py RAW_DIR > report.md

Reads: machine.txt, cluster.json (the fake API server's cluster), history.json (what DaprdHistory wrote), tsdb.json,
prometheus-queries.jsonl (Prometheus' query log: one line per query, with its timings), phases.txt (when each server
was ready and when its first audit run was done), poll-<apply>.txt ("epoch_ms successful_runs applied_workloads
source_up" every 0.5 s), audit-<apply>.json/.trace and steady-<apply>.json/.trace (the load client's summary and
"end_epoch_ms latency_us" per answer), rss-<apply>.txt ("epoch_ms VmRSS_kB VmHWM_kB"), gc-<apply>.log,
server-<apply>.log, metrics-<apply>.txt, answer-<apply>.json (one review of the load's pod), fatal.txt.

A server's audit run starts with the first Prometheus query after it was ready (right-sizing reads its source
before the audit reads the cluster) and ends when its successful-runs counter went up. Answers of the "audit" phase
are "during the run" when they ended inside it; "without" are those at least MARGIN_MS away from it.
"""
import base64
import json
import os
import re
import sys
from datetime import datetime

CHART_LIMIT_MIB = 320
MARGIN_MS = 2000
APPLIES = ("off", "defaults")
RUN_LINE = re.compile(r"cluster audit: (\d+) findings, (\d+) namespaces, (\d+) objects, (\d+) API calls"
                      r"(?: \((\d+) to read\))?, ([0-9.]+) s")
QUERY_NAMES = [("kube_pod_owner", "pod owners"),
               ("kube_replicaset_owner", "ReplicaSet owners"),
               ("quantile_over_time(0.95, container_memory", "memory p95"),
               ("max_over_time(container_memory", "memory peak"),
               ("count_over_time(container_memory", "samples"),
               ("min_over_time(timestamp", "first sample"),
               ("max_over_time(timestamp", "last sample"),
               ("quantile_over_time(0.95, rate", "CPU p95"),
               ("max_over_time(rate", "CPU peak")]


def rank(sorted_values, q):
    if not sorted_values:
        return 0
    i = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[i]


def path(raw, name):
    return os.path.join(raw, name)


def lines(raw, name):
    p = path(raw, name)
    return open(p).read().splitlines() if os.path.exists(p) else []


def load_json(raw, name, default=None):
    p = path(raw, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return default
    with open(p) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def ms(us):
    return f"{us / 1000:.1f}"


def query_name(query):
    for needle, name in QUERY_NAMES:
        if needle in query:
            return name
    return query[:40]


def queries(raw):
    out = []
    for line in lines(raw, "prometheus-queries.jsonl"):
        try:
            q = json.loads(line)
        except ValueError:
            continue
        ts = datetime.fromisoformat(q["ts"].replace("Z", "+00:00")).timestamp() * 1000
        timings = q.get("stats", {}).get("timings", {})
        total = timings.get("execTotalTime", 0.0)
        out.append({"end_ms": ts, "start_ms": ts - total * 1000, "seconds": total,
                    "name": query_name(q.get("params", {}).get("query", ""))})
    return sorted(out, key=lambda q: q["start_ms"])


def phases(raw):
    out = {}
    for line in lines(raw, "phases.txt"):
        apply, kv = line.split(" ", 1)
        key, value = kv.split("=")
        out.setdefault(apply, {})[key] = int(value)
    return out


def run_end(raw, apply):
    """When the successful-runs counter first went above 0."""
    for line in lines(raw, f"poll-{apply}.txt"):
        f = line.split()
        if len(f) >= 2 and f[1].isdigit() and int(f[1]) >= 1:
            return int(f[0])
    return None


def trace(raw, name):
    out = []
    for line in lines(raw, name):
        f = line.split()
        if len(f) == 2:
            out.append((int(f[0]), int(f[1])))
    return out


def latency_row(label, values, seconds, errors="-"):
    values = sorted(values)
    if not values:
        return f"| {label} | 0 | | | | | | {errors} |"
    rate = f"{len(values) / seconds:,.0f}" if seconds else ""
    return (f"| {label} | {len(values):,} | {rate} | {ms(rank(values, 0.5))} | {ms(rank(values, 0.99))} | "
            f"{ms(rank(values, 0.999))} | {ms(values[-1])} | {errors} |")


def peak_rss_mib(raw, apply):
    peak = 0
    for line in lines(raw, f"rss-{apply}.txt"):
        f = line.split()
        if len(f) >= 3:
            peak = max(peak, int(f[1]), int(f[2]))
    return peak / 1024


def metric(raw, apply, name, labels=""):
    total = None
    for line in lines(raw, f"metrics-{apply}.txt"):
        if line.startswith(name) and labels in line and not line.startswith("#"):
            total = (total or 0) + float(line.rsplit(" ", 1)[1])
    return total


def added_annotations(raw, apply):
    answer = load_json(raw, f"answer-{apply}.json", {})
    patch = answer.get("response", {}).get("patch")
    if not patch:
        return {}
    added = {}
    for op in json.loads(base64.b64decode(patch)):
        value = op.get("value")
        if op["path"] == "/metadata/annotations" and isinstance(value, dict):
            added.update(value)
        elif op["path"].startswith("/metadata/annotations/"):
            added[op["path"].split("/", 3)[3].replace("~1", "/")] = value
    return {k: v for k, v in added.items() if k.startswith("dapr.io/sidecar-") or k == "dapr.io/env"}


def main():
    raw = sys.argv[1]
    header = (lines(raw, "machine.txt") or [""])[0]
    machine = dict(token.split("=", 1) for token in header.split() if "=" in token)
    cluster = load_json(raw, "cluster.json", {})
    history = load_json(raw, "history.json", {})
    tsdb = load_json(raw, "tsdb.json", {})
    when = phases(raw)
    all_queries = queries(raw)
    print(f"# Right-sizing benchmark, {machine.get('date', '?').split(' ')[0]}\n")
    for line in lines(raw, "machine.txt"):
        print(f"    {line}")
    print()
    print("## The cluster and its history\n")
    print("| Dapr pods | workloads | namespaces | series | samples (30 s) | OpenMetrics text | written and loaded by "
          "promtool in | TSDB on disk |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {cluster.get('dapr_pods', '?'):,} | {cluster.get('workloads', '?'):,} | "
          f"{cluster.get('namespaces_with_dapr', '?')} | {history.get('series', 0):,} | {history.get('samples', 0):,} | "
          f"{history.get('text_bytes', 0) / 2**30:.1f} GiB | {history.get('seconds', 0):.0f} s | "
          f"{tsdb.get('tsdb_bytes', 0) / 2**20:,.0f} MiB |\n")

    print("## The audit run with right-sizing\n")
    print("| apply | Prometheus queries in the run | their time (sum) | slowest | run wall time (log) | API calls | "
          "workloads recommended / differing | source up | peak RSS (VmHWM) | full GCs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    windows = {}
    for i, apply in enumerate(APPLIES):
        ready = when.get(apply, {}).get("ready_epoch_ms")
        nxt = when.get(APPLIES[i + 1], {}).get("ready_epoch_ms") if i + 1 < len(APPLIES) else None
        mine = [q for q in all_queries if ready and q["start_ms"] >= ready - 1000 and (nxt is None or q["start_ms"] < nxt)]
        end = run_end(raw, apply)
        if mine and end:
            windows[apply] = (mine[0]["start_ms"], end)
        slowest = max(mine, key=lambda q: q["seconds"]) if mine else None
        run = None
        for line in lines(raw, f"server-{apply}.log"):
            m = RUN_LINE.search(line)
            if m:
                run = m
                break
        gcs = sum(1 for line in lines(raw, f"gc-{apply}.log") if "Pause Full" in line)
        recommended = metric(raw, apply, "daprguard_rightsizing_workloads", 'state="recommended"')
        differs = metric(raw, apply, "daprguard_rightsizing_workloads", 'state="differs"')
        up = metric(raw, apply, "daprguard_rightsizing_source_up")
        slow = f"{slowest['name']} {slowest['seconds']:.1f} s" if slowest else ""
        print(f"| {apply} | {len(mine)} | {sum(q['seconds'] for q in mine):.1f} s | {slow} | "
              f"{run.group(6) + ' s' if run else 'no run'} | {run.group(4) if run else ''} | "
              f"{'' if recommended is None else int(recommended)} / {'' if differs is None else int(differs)} | "
              f"{'' if up is None else int(up)} | {peak_rss_mib(raw, apply):.0f} MiB (limit {CHART_LIMIT_MIB}) | {gcs} |")
    print()
    print("Each query, as Prometheus' query log timed it (execTotalTime), apply=off run:\n")
    off_window = windows.get("off")
    print("| query | seconds |")
    print("|---|---|")
    for q in all_queries:
        if off_window and off_window[0] <= q["start_ms"] <= off_window[1]:
            print(f"| {q['name']} | {q['seconds']:.2f} |")
    print()
    freed = []
    for apply in APPLIES:
        now = metric(raw, apply, "daprguard_rightsizing_memory_request_bytes", 'value="now"')
        rec = metric(raw, apply, "daprguard_rightsizing_memory_request_bytes", 'value="recommended"')
        if now is not None and rec is not None:
            freed.append(f"apply={apply}: daprd memory requested now {now / 2**30:.1f} GiB, as recommended "
                         f"{rec / 2**30:.1f} GiB")
    if freed:
        print("; ".join(freed) + ".\n")

    print(f"## Admission at {machine.get('rate', '?')} reviews/s offered (Poisson, {machine.get('connections', '?')} "
          "HTTP/1.1 keep-alive connections)\n")
    print("Latency from when each review was due to the last byte of its answer, in ms. *audit run*: answers that "
          "ended while the first audit run (Prometheus queries, then the cluster) was in progress; *no run*: the rest "
          f"of that phase, at least {MARGIN_MS // 1000} s away from it; *steady*: after the run, with apply=defaults "
          "once the replica applies the recommendations.\n")
    print("| apply, phase | answers | per s | p50 | p99 | p99.9 | max | errors |")
    print("|---|---|---|---|---|---|---|---|")
    p99 = {}
    for apply in APPLIES:
        summary = load_json(raw, f"audit-{apply}.json", {})
        points = trace(raw, f"audit-{apply}.trace")
        window = windows.get(apply)
        if window:
            inside = [l for t, l in points if window[0] <= t <= window[1]]
            outside = [l for t, l in points if t < window[0] - MARGIN_MS or t > window[1] + MARGIN_MS]
            inside_s = max(0.001, (window[1] - window[0]) / 1000)
            outside_s = max(0.001, summary.get("seconds", 0) - inside_s - 2 * MARGIN_MS / 1000)
            print(latency_row(f"{apply}, audit run ({inside_s:.0f} s)", inside, inside_s))
            print(latency_row(f"{apply}, no run", outside, outside_s, summary.get("errors", "?")))
        steady = load_json(raw, f"steady-{apply}.json", {})
        values = [l for _, l in trace(raw, f"steady-{apply}.trace")]
        print(latency_row(f"{apply}, steady", values, steady.get("seconds", 0), steady.get("errors", "?")))
        p99[apply] = rank(sorted(values), 0.99)
    if p99.get("off") and p99.get("defaults"):
        print(f"\nSteady p99, defaults / off: {p99['defaults'] / p99['off']:.2f}.\n")

    print("## What the load's pod gets (one review of it after the measurement)\n")
    print("| apply | annotations the patch adds |")
    print("|---|---|")
    for apply in APPLIES:
        added = added_annotations(raw, apply)
        cells = ", ".join(f"`{k}: {v}`" for k, v in sorted(added.items()))
        print(f"| {apply} | {cells} |")
    applied = metric(raw, "defaults", "daprguard_rightsizing_applied_workloads")
    if applied is not None:
        print(f"\nWorkloads the apply=defaults replica applies: {int(applied)}.")
    fatal = lines(raw, "fatal.txt")
    print(f"\nOut of memory or fatal errors in the server logs: {len(fatal)}.")


if __name__ == "__main__":
    main()
