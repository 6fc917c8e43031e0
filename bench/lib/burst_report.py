#!/usr/bin/env python3
"""Writes the burst benchmark's Markdown report from its results.jsonl.

  burst_report.py RESULTS.jsonl MACHINE.txt FATAL.txt > report.md

Each line of RESULTS.jsonl is one measured run (bench/burst.sh `measure`): server, phase, endpoint, full GCs,
peak RSS, whether the server was alive after it, and the load client's JSON (io.daprguard.load.ReviewLoad).
"""
import json
import sys

TARGET_RATE = 4000      # typical reviews/s at every step
TARGET_P99_MS = 50
TARGET_P999_MS = 200
TARGET_RATIO = 0.6      # of the baseline's throughput at the same step
TARGET_RSS_MIB = 256
TARGET_REFUSAL_MS = 50  # code-429 answers in the overload phase (1 024 connections)
TARGET_FRESH_P99_MS = 100  # a fresh replica at 256 connections, over its first 30 s
TARGET_FIRST_REVIEW_MS = 1500
TARGET_PEAK_RSS_MIB = 200  # in every phase


def ms(us):
    return us / 1000.0


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    machine = open(sys.argv[2]).read().strip()
    fatal = open(sys.argv[3]).read().strip() if len(sys.argv) > 3 else ""
    base = {(r["endpoint"], r["load"]["connections"]): r for r in rows
            if r["server"] == "baseline" and r["phase"] == "sweep"}
    out = ["# Burst benchmark: concurrency sweep, soak and overload", ""]
    out += ["```", machine, "```", ""]
    out += ["Closed loop, HTTP/1.1 keep-alive over TLS 1.3, one connection per review in flight, 10 s per-request "
            "timeout that drops the connection (io.daprguard.load.ReviewLoad, as the kube-apiserver calls); load "
            "generator on the same machine. dapr-guard started as the image and chart run it "
            "(bench/burst.sh). Latencies in ms from the client. `429` counts code-429 refusals (not in reviews/s "
            "or the percentiles); `errors` are timeouts, broken connections and malformed answers. Little's law "
            "bounds the latency of a closed loop: mean = connections / throughput.", ""]
    fresh = [r for r in rows if r.get("phase") == "fresh"]
    slices = [r for r in rows if r.get("phase") == "fresh-slices"]
    failures = []
    if fresh:
        load = fresh[0]["load"]
        first = slices[0].get("first_review_ms") if slices else None
        out += ["## Fresh replica", "",
                "Launched as the image runs it; first review {} after the launch; then, within 5 s of it, 256 "
                "connections on /mutate for {:.0f} s: {:,.0f} reviews/s, p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms, "
                "{} errors, {} refused (429), {} full GCs, peak RSS {:.0f} MiB.".format(
                    "{:,.0f} ms".format(first) if first is not None else "not timed", load["seconds"],
                    load["per_second"], ms(load["p50_us"]), ms(load["p99_us"]), ms(load["max_us"]), load["errors"],
                    load["answers"].get("overloaded", 0), fresh[0]["full_gcs"], fresh[0]["peak_rss_kb"] / 1024), "",
                "| seconds | answers | p50 | p99 | max |", "|---|---|---|---|---|"]
        for s in (slices[0]["slices"] if slices else []):
            out.append("| {:.0f}-{:.0f} | {:,} | {:.1f} | {:.1f} | {:.1f} |".format(
                s["from_s"], s["to_s"], s["answers"], s["p50_ms"], s["p99_ms"], s["max_ms"]))
        out.append("")
        if ms(load["p99_us"]) > TARGET_FRESH_P99_MS:
            failures.append("fresh replica: p99 {:.1f} ms > {}".format(ms(load["p99_us"]), TARGET_FRESH_P99_MS))
        if load["errors"] or load["answers"].get("overloaded", 0):
            failures.append("fresh replica: {} errors, {} refusals".format(load["errors"],
                                                                           load["answers"].get("overloaded", 0)))
        if first is not None and first > TARGET_FIRST_REVIEW_MS:
            failures.append("first review {:,.0f} ms after the launch > {}".format(first, TARGET_FIRST_REVIEW_MS))
    peaks = {}
    anons = {}
    for r in rows:
        if r.get("server") == "dapr-guard" and "peak_rss_kb" in r:
            peaks[r["phase"]] = max(peaks.get(r["phase"], 0), r["peak_rss_kb"] / 1024)
            anons[r["phase"]] = max(anons.get(r["phase"], 0), r.get("peak_anon_kb", 0) / 1024)
    if peaks:
        out += ["## Peak RSS per phase", "",
                "RssAnon is the anonymous part, which a container's memory limit cannot reclaim; RSS also counts the "
                "file pages of the jars and the AOT cache.", "",
                "| phase | peak RSS MiB | peak RssAnon MiB |", "|---|---|---|"]
        out += ["| {} | {:.0f} | {} |".format(phase, peak, "{:.0f}".format(anons[phase]) if anons.get(phase) else "-")
                for phase, peak in peaks.items()]
        out.append("")
        for phase, peak in peaks.items():
            if peak > TARGET_PEAK_RSS_MIB:
                failures.append("{}: peak RSS {:.0f} MiB > {}".format(phase, peak, TARGET_PEAK_RSS_MIB))
    out += ["## Sweep", "",
            "| endpoint | connections | reviews/s | p50 | p99 | p99.9 | max | errors | 429 | full GCs | peak RSS MiB "
            "| baseline reviews/s | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["server"] != "dapr-guard" or r["phase"] != "sweep":
            continue
        load = r["load"]
        b = base.get((r["endpoint"], load["connections"]))
        ratio = load["per_second"] / b["load"]["per_second"] if b and b["load"]["per_second"] else None
        refused = load["answers"].get("overloaded", 0)
        out.append("| /{} | {} | {:,.0f} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {} | {:.0f} | {} | {} |".format(
            r["endpoint"], load["connections"], load["per_second"], ms(load["p50_us"]), ms(load["p99_us"]),
            ms(load["p999_us"]), ms(load["max_us"]), load["errors"], refused, r["full_gcs"],
            r["peak_rss_kb"] / 1024, "{:,.0f}".format(b["load"]["per_second"]) if b else "-",
            "{:.2f}".format(ratio) if ratio is not None else "-"))
        step = "/{} at {}".format(r["endpoint"], load["connections"])
        if load["per_second"] < TARGET_RATE:
            failures.append(step + ": {:,.0f} reviews/s < {}".format(load["per_second"], TARGET_RATE))
        if ms(load["p99_us"]) > TARGET_P99_MS:
            failures.append(step + ": p99 {:.1f} ms > {}".format(ms(load["p99_us"]), TARGET_P99_MS))
        if ms(load["p999_us"]) > TARGET_P999_MS:
            failures.append(step + ": p99.9 {:.1f} ms > {}".format(ms(load["p999_us"]), TARGET_P999_MS))
        if load["errors"] or refused:
            failures.append(step + ": {} errors, {} refusals".format(load["errors"], refused))
        if ratio is not None and ratio < TARGET_RATIO:
            failures.append(step + ": {:.2f} of the baseline < {}".format(ratio, TARGET_RATIO))
    out += ["", "Baseline (the JDK's HttpsServer, 16 threads, the same JVM options, answering dapr-guard's bytes):", "",
            "| endpoint | connections | reviews/s | p50 | p99 | p99.9 | errors | full GCs | peak RSS MiB |",
            "|---|---|---|---|---|---|---|---|---|"]
    for (endpoint, conns), r in sorted(base.items()):
        load = r["load"]
        out.append("| /{} | {} | {:,.0f} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {:.0f} |".format(
            endpoint, conns, load["per_second"], ms(load["p50_us"]), ms(load["p99_us"]), ms(load["p999_us"]),
            load["errors"], r["full_gcs"], r["peak_rss_kb"] / 1024))
    out += ["", "## Soak and overload", "",
            "| phase | connections | seconds | reviews/s | p50 | p99 | p99.9 | errors | 429 | 429 p50 | 429 p99 "
            "| full GCs | peak RSS MiB | alive |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["server"] != "dapr-guard" or r["phase"] in ("sweep", "fresh", "fresh-slices"):
            continue
        load = r["load"]
        refused = load["answers"].get("overloaded", 0)
        out.append("| {} | {} | {:.0f} | {:,.0f} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {:.1f} | {:.1f} | {} | {:.0f} | {} |"
                   .format(r["phase"], load["connections"], load["seconds"], load["per_second"], ms(load["p50_us"]),
                           ms(load["p99_us"]), ms(load["p999_us"]), load["errors"], refused,
                           ms(load["refused_p50_us"]), ms(load["refused_p99_us"]), r["full_gcs"],
                           r["peak_rss_kb"] / 1024, r["alive"]))
        if r["phase"] == "soak":
            if r["full_gcs"]:
                failures.append("soak: {} full GCs".format(r["full_gcs"]))
            if r["peak_rss_kb"] / 1024 > TARGET_RSS_MIB:
                failures.append("soak: peak RSS {:.0f} MiB > {}".format(r["peak_rss_kb"] / 1024, TARGET_RSS_MIB))
        if not r["alive"]:
            failures.append(r["phase"] + ": the server had exited")
        if r["phase"] == "overload" and refused and ms(load["refused_p99_us"]) > TARGET_REFUSAL_MS:
            failures.append("overload: 429 p99 {:.1f} ms > {}".format(ms(load["refused_p99_us"]), TARGET_REFUSAL_MS))
    out += ["", "`overload`: a connection refused with code 429 waits 100 ms before its next review (the apiserver "
            "does not retry a refused call); `overload-closed`: every connection sends again at once, a retry storm "
            "no apiserver makes, shown as the worst case.", ""]
    if fatal:
        failures.append("the server log has: " + fatal.splitlines()[0][:200])
    out += ["## Targets", ""]
    if failures:
        out += ["Not met:", ""] + ["- " + f for f in failures]
    else:
        out += ["Every target met: at every step >= {} reviews/s, p99 <= {} ms, p99.9 <= {} ms, no errors or refusals, "
                ">= {}x the baseline; soak without full GC, RSS <= {} MiB; 429s under {} ms at 1 024 connections."
                .format(TARGET_RATE, TARGET_P99_MS, TARGET_P999_MS, TARGET_RATIO, TARGET_RSS_MIB, TARGET_REFUSAL_MS)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
