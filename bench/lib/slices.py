#!/usr/bin/env python3
"""A fresh replica's latency over time, from a ReviewLoad trace.

  slices.py TRACE SECONDS FIRST_REVIEW_JSON

TRACE has one line per answer, "end_epoch_ms latency_us". Prints one JSON line for results.jsonl: phase
"fresh-slices", the time to the first review (FIRST_REVIEW_JSON is firstreview.py's output), and per SECONDS-long
slice of the run (by when each answer ended, from the first send) the answers, p50, p99 and max in ms.
"""
import json
import sys


def percentile(values, p):
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[index]


def main():
    path, width, first = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
    answers = []
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            answers.append((int(parts[0]), int(parts[1])))
    start = min(end - latency / 1000.0 for end, latency in answers) if answers else 0
    slices = {}
    for end, latency in answers:
        slices.setdefault(int((end - start) / 1000.0 // width), []).append(latency / 1000.0)
    out = []
    for index in sorted(slices):
        values = sorted(slices[index])
        out.append({"from_s": index * width, "to_s": (index + 1) * width, "answers": len(values),
                    "p50_ms": round(percentile(values, 50), 1), "p99_ms": round(percentile(values, 99), 1),
                    "max_ms": round(values[-1], 1)})
    print(json.dumps({"server": "dapr-guard", "phase": "fresh-slices", "first_review_ms": first.get("first_review_ms"),
                      "slices": out}))


if __name__ == "__main__":
    main()
