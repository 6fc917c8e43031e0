#!/usr/bin/env python3
"""Turns wrk's output (with wrk-post.lua's WRKJSON line) into the same JSON shape as latency.py.

  wrkjson.py WRK_STDOUT
"""
import json
import sys


def main():
    for line in open(sys.argv[1]):
        if line.startswith("WRKJSON "):
            w = json.loads(line[len("WRKJSON "):])
            secs = w["duration_us"] / 1e6
            errors = w["errors"]
            print(json.dumps({
                "elapsed_s": round(secs, 3),
                "tool_rps": round(w["requests"] / secs, 1) if secs > 0 else None,
                "req_done": w["requests"],
                "errors": errors,
                "non200": errors["status"],
                "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000, "p999_ms": w["p999_us"] / 1000,
                "max_ms": w["max_us"] / 1000, "mean_ms": round(w["mean_us"] / 1000, 3),
            }))
            return
    print(json.dumps({"error": "no WRKJSON line in wrk output"}))


if __name__ == "__main__":
    main()
