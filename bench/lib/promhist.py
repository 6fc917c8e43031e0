#!/usr/bin/env python3
"""Server-side latency from dapr-guard's own Prometheus histogram.

  promhist.py BEFORE.txt AFTER.txt [--webhook mutate|validate]

BEFORE/AFTER are two scrapes of :9090/metrics taken around a measured phase. The delta of
daprguard_admission_duration_seconds_bucket (summed over every label set of the chosen webhook) is the histogram
of that phase alone; percentiles are interpolated linearly inside a bucket, as Prometheus' histogram_quantile
does, and the bucket's upper bound is given too (the honest statement: "p99 <= 1 ms"). Also prints the delta of
daprguard_admission_requests_total by result (allowed, patched, denied, error), so a phase shows what the server
decided. Output: one JSON object.
"""
import json
import math
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}\s+([-+0-9.eEInfNa]+)')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(path):
    series = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                labels = dict(LABEL.findall(m.group(2)))
                series.append((m.group(1), labels, float(m.group(3))))
    return series


def sums(series, name, webhook, key):
    out = {}
    for n, labels, value in series:
        if n != name or (webhook and labels.get("webhook") != webhook):
            continue
        k = labels.get(key)
        out[k] = out.get(k, 0.0) + value
    return out


def le_value(le):
    return math.inf if le in ("+Inf", "Inf") else float(le)


def quantile(q, buckets):
    """buckets: sorted [(upper_bound_seconds, cumulative_count)]. Returns (interpolated_ms, upper_bound_ms)."""
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None, None
    rank = q * total
    prev_bound, prev_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return prev_bound * 1000, math.inf
            width = count - prev_count
            frac = (rank - prev_count) / width if width > 0 else 1.0
            return (prev_bound + (bound - prev_bound) * frac) * 1000, bound * 1000
        prev_bound, prev_count = bound, count
    return None, None


def main():
    args = sys.argv[1:]
    webhook = None
    if "--webhook" in args:
        i = args.index("--webhook")
        webhook = args[i + 1]
        del args[i:i + 2]
    before, after = parse(args[0]), parse(args[1])
    name = "daprguard_admission_duration_seconds_bucket"
    b, a = sums(before, name, webhook, "le"), sums(after, name, webhook, "le")
    buckets = sorted(((le_value(le), a[le] - b.get(le, 0.0)) for le in a), key=lambda x: x[0])
    res_name = "daprguard_admission_requests_total"
    rb, ra = sums(before, res_name, webhook, "result"), sums(after, res_name, webhook, "result")
    results = {k: int(round(ra[k] - rb.get(k, 0.0))) for k in ra if ra[k] - rb.get(k, 0.0) > 0}
    out = {"count": int(buckets[-1][1]) if buckets else 0, "results": results,
           "buckets_ms": {("+Inf" if math.isinf(bd) else f"{bd * 1000:g}"): int(c) for bd, c in buckets}}
    for label, q in (("p50", 0.5), ("p99", 0.99), ("p999", 0.999)):
        est, bound = quantile(q, buckets)
        out[label + "_ms"] = None if est is None else round(est, 3)
        out[label + "_le_ms"] = None if bound is None else ("+Inf" if math.isinf(bound) else round(bound, 3))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
