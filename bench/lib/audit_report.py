#!/usr/bin/env python3
"""Writes the audit benchmark's Markdown report (bench/audit.sh) from its raw directory.

  audit_report.py RAW_DIR > report.md

Reads: machine.txt, cluster.json (what the fake API server generated), calls.log (every call the fake answered:
"epoch_ms method path status bytes items"), server.log (dapr-guard's "cluster audit: ..." line per run), trace.txt
(every evaluated admission answer of the measured window: "end_epoch_ms latency_us"), load.json (the load client's
own summary), rss.txt ("epoch_ms VmRSS_kB VmHWM_kB"), gc.log (-Xlog:gc with epoch milliseconds).

An audit run starts with its cluster-wide Namespace list (the fake logs a call when it has answered it) and ends
with its last call other than the Lease's (leader election renews the lease whether or not a run is in progress).
Admission answers are "during a run" when they ended inside one; "without" are those at least MARGIN_MS away from
every run.
"""
import json
import os
import re
import sys

CHART_LIMIT_MIB = 256       # the chart's memory limit (resources.limits.memory: 256Mi)
RSS_TARGET_MIB = 256        # the performance targets' RSS under load (bench/README.md)
P99_RATIO_LIMIT = 2.0       # admission p99 during a run at most twice the p99 without
RATE_RATIO_LIMIT = 0.8      # admission throughput during a run at least 80 % of the throughput without
MARGIN_MS = 2000

RUN_LINE = re.compile(r"cluster audit: (\d+) findings, (\d+) namespaces, (\d+) objects, (\d+) API calls"
                      r"(?: \(\d+ to read\))?, ([0-9.]+) s"
                      r"(?:; reports: (\d+) created, (\d+) updated, (\d+) deleted, (\d+) unchanged)?")
GC_LINE = re.compile(r"\[(\d+)ms\] GC\(\d+\) (Pause \w+).*? ([0-9.]+)ms$")


def rank(sorted_values, q):
    if not sorted_values:
        return 0
    i = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[i]


def read_lines(path):
    return open(path).read().splitlines() if os.path.exists(path) else []


def classify(method, path):
    base = path.split("?", 1)[0]
    if "/leases" in base:
        return "lease"
    if method != "GET":
        return "write"
    if re.fullmatch(r"/api/v1|/apis/[^/]+/[^/]+", base):
        return "discovery"
    if "limit=" in path or "labelSelector=" in path:
        return "list"
    return "get"


def runs_from_calls(calls):
    runs = []
    for t, method, path, status, size, items in calls:
        if method == "GET" and path.split("?", 1)[0] == "/api/v1/namespaces" and "continue=" not in path:
            runs.append({"start": t, "end": t, "calls": []})
        if not runs:
            continue
        kind = classify(method, path)
        if kind == "lease":
            continue
        run = runs[-1]
        run["end"] = t
        run["calls"].append((kind, method, path, int(status), int(size), int(items)))
    return runs


def fmt_ms(us):
    return "{:.1f}".format(us / 1000.0)


def main():
    raw = sys.argv[1]
    machine = dict(line.split("=", 1) for line in " ".join(read_lines(os.path.join(raw, "machine.txt"))).split()
                   if "=" in line)
    machine_text = "\n".join(read_lines(os.path.join(raw, "machine.txt")))
    cluster = json.load(open(os.path.join(raw, "cluster.json")))
    calls = [line.split() for line in read_lines(os.path.join(raw, "calls.log")) if line.strip()]
    calls = [(int(c[0]), c[1], c[2], c[3], c[4], c[5]) for c in calls]
    runs = runs_from_calls(calls)
    server_runs = [RUN_LINE.search(line) for line in read_lines(os.path.join(raw, "server.log"))]
    server_runs = [m for m in server_runs if m]
    failed = [line for line in read_lines(os.path.join(raw, "server.log")) if "cluster audit failed" in line]
    trace = []
    for line in read_lines(os.path.join(raw, "trace.txt")):
        parts = line.split()
        if len(parts) == 2:
            trace.append((int(parts[0]), int(parts[1])))
    trace.sort()
    load = json.loads(open(os.path.join(raw, "load.json")).read() or "{}")
    rss = [tuple(int(x) for x in line.split()) for line in read_lines(os.path.join(raw, "rss.txt")) if line.strip()]
    gcs = [GC_LINE.search(line) for line in read_lines(os.path.join(raw, "gc.log"))]
    gcs = [(int(m.group(1)), m.group(2), float(m.group(3))) for m in gcs if m]
    fatal = "\n".join(line for line in read_lines(os.path.join(raw, "server.log"))
                      if "java.lang.OutOfMemoryError" in line or "Terminating due to" in line).strip()
    load_start = trace[0][0] if trace else 0
    load_end = trace[-1][0] if trace else 0

    out = ["# Audit benchmark: a 5 000-pod cluster audited while admission is under load", ""]
    out += ["```", machine_text, "```", ""]
    objs = cluster["objects"]
    out += ["Fake cluster (bench/lib/fake_apiserver.py): {} namespaces ({} with Dapr apps), {:,} Dapr pods under "
            "{:,} workloads; {} objects in all ({}). Mean object size: pod {:,} B, Deployment {:,} B. Lists are "
            "served in chunks (limit/continue) of pre-rendered objects; the PolicyReport CRD is served. The audit "
            "as the chart configures it: page size 500, 20 API calls/s, 1 000 results per report; interval 1m "
            "(the chart's 10m changes how often, not what one run costs).".format(
                objs["Namespace"], cluster["namespaces_with_dapr"], cluster["dapr_pods"], cluster["workloads"],
                sum(objs.values()), ", ".join("{} {:,}".format(k, v) for k, v in objs.items()),
                cluster["mean_bytes"]["Pod"], cluster["mean_bytes"]["Deployment"]), ""]
    out += ["Admission load: io.daprguard.load.ReviewLoad, {} closed-loop HTTP/1.1 keep-alive connections over TLS "
            "on /mutate (typical pod), on the same 2 cores as the server and the fake API server. \"During a run\": "
            "answers that ended while an audit run was in progress; \"without\": answers at least {} s away from "
            "every run. Latencies in ms from the client.".format(load.get("connections", "?"), MARGIN_MS // 1000),
            ""]

    out += ["## Audit runs", "",
            "| run | under load | wall time s (server) | span s (fake) | list calls | pages by kind | other calls "
            "| MB read | findings | objects | reports created/updated/deleted/unchanged |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for i, run in enumerate(runs):
        lists = [c for c in run["calls"] if c[0] == "list"]
        by_kind = {}
        for c in lists:
            plural = c[2].split("?", 1)[0].rsplit("/", 1)[-1]
            by_kind[plural] = by_kind.get(plural, 0) + 1
        other = {}
        for c in run["calls"]:
            if c[0] != "list":
                key = c[0] if c[0] != "write" else c[1]
                other[key] = other.get(key, 0) + 1
        read_mb = sum(c[4] for c in lists) / 1e6
        under = load_start <= run["start"] and run["end"] <= load_end
        run["under_load"] = under
        m = server_runs[i] if i < len(server_runs) else None
        out.append("| {} | {} | {} | {:.1f} | {} | {} | {} | {:.1f} | {} | {} | {} |".format(
            i + 1, "yes" if under else ("partly" if run["start"] <= load_end and run["end"] >= load_start else "no"),
            m.group(5) if m else "-", (run["end"] - run["start"]) / 1000.0, len(lists),
            ", ".join("{} {}".format(k, v) for k, v in sorted(by_kind.items())),
            ", ".join("{} {}".format(k, v) for k, v in sorted(other.items())) or "-", read_mb,
            m.group(1) if m else "-", m.group(3) if m else "-",
            "/".join(m.group(g) or "0" for g in (6, 7, 8, 9)) if m and m.group(6) else "-"))
    if failed:
        out += ["", "Failed runs: " + "; ".join(failed)]
    out.append("")

    def inside(t, margin=0):
        return any(r["start"] - margin <= t <= r["end"] + margin for r in runs)

    during = sorted(lat for t, lat in trace if inside(t))
    without = sorted(lat for t, lat in trace if not inside(t, MARGIN_MS))
    during_s = sum(max(0, min(r["end"], load_end) - max(r["start"], load_start)) for r in runs) / 1000.0
    excluded_s = sum(max(0, min(r["end"] + MARGIN_MS, load_end) - max(r["start"] - MARGIN_MS, load_start))
                     for r in runs) / 1000.0
    without_s = max(0.001, (load_end - load_start) / 1000.0 - excluded_s)

    def gc_in(window):
        sel = [g for g in gcs if window(g[0])]
        return len([g for g in sel if g[1] == "Pause Young"]), len([g for g in sel if g[1] == "Pause Full"]), \
            sum(g[2] for g in sel)

    in_window = lambda t: load_start <= t <= load_end  # noqa: E731
    gd = gc_in(lambda t: in_window(t) and inside(t))
    gw = gc_in(lambda t: in_window(t) and not inside(t, MARGIN_MS))
    out += ["## Admission during a run and without", "",
            "| window | seconds | reviews | reviews/s | p50 | p99 | p99.9 | max | young GCs | full GCs | GC pause ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    rates = {}
    for name, values, secs, g in (("without a run", without, without_s, gw), ("during a run", during, during_s, gd)):
        rate = len(values) / secs if secs > 0 else 0
        rates[name] = (rate, rank(values, 0.99))
        out.append("| {} | {:.0f} | {:,} | {:,.0f} | {} | {} | {} | {} | {} | {} | {:.0f} |".format(
            name, secs, len(values), rate, fmt_ms(rank(values, 0.5)), fmt_ms(rank(values, 0.99)),
            fmt_ms(rank(values, 0.999)), fmt_ms(values[-1] if values else 0), g[0], g[1], g[2]))
    out += ["", "The load client over the whole measured window: {:,.0f} reviews/s, p99 {} ms, errors {}, answers {}."
            .format(load.get("per_second", 0), fmt_ms(load.get("p99_us", 0)), load.get("errors", "?"),
                    json.dumps(load.get("answers", {}))), ""]

    peak_hwm = max((r[2] for r in rss), default=0) / 1024.0
    first = runs[0]["start"] if runs else None
    before = max((r[1] for r in rss if first is None or r[0] < first), default=0) / 1024.0
    run_rss = max((r[1] for r in rss if inside(r[0])), default=0) / 1024.0
    out += ["## Memory", "",
            "| what | MiB |", "|---|---|",
            "| peak RSS (VmHWM) over the server's whole life | {:.0f} |".format(peak_hwm),
            "| highest VmRSS sampled before the first run (admission load only) | {:.0f} |".format(before),
            "| highest VmRSS sampled during runs | {:.0f} |".format(run_rss),
            "| full GCs over the whole life | {} |".format(len([g for g in gcs if g[1] == "Pause Full"])), ""]
    if fatal:
        out += ["Fatal lines in the server log:", "```", fatal, "```", ""]

    verdict = []
    verdict.append(("peak RSS within the chart's {} MiB limit".format(CHART_LIMIT_MIB), peak_hwm <= CHART_LIMIT_MIB,
                    "{:.0f} MiB".format(peak_hwm)))
    verdict.append(("peak RSS within the {} MiB target".format(RSS_TARGET_MIB), peak_hwm <= RSS_TARGET_MIB,
                    "{:.0f} MiB".format(peak_hwm)))
    (rw, pw), (rd, pd) = rates["without a run"], rates["during a run"]
    if during and without:
        verdict.append(("admission p99 during a run at most {:.0f}x without".format(P99_RATIO_LIMIT),
                        pd <= P99_RATIO_LIMIT * pw, "{} ms vs {} ms".format(fmt_ms(pd), fmt_ms(pw))))
        verdict.append(("admission throughput during a run at least {:.0f} % of without".format(
            RATE_RATIO_LIMIT * 100), rd >= RATE_RATIO_LIMIT * rw, "{:,.0f}/s vs {:,.0f}/s".format(rd, rw)))
    verdict.append(("every run completed, no fatal error",
                    not failed and not fatal and bool(runs) and len(server_runs) >= len(runs),
                    "{} runs started, {} completed{}".format(len(runs), len(server_runs),
                                                            ", server died" if fatal else "")))
    out += ["## Verdict", "", "| check | result | figures |", "|---|---|---|"]
    for name, ok, figures in verdict:
        out.append("| {} | {} | {} |".format(name, "met" if ok else "missed", figures))
    print("\n".join(out))


if __name__ == "__main__":
    main()
