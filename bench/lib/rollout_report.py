#!/usr/bin/env python3
"""Report of bench/rollout.sh: reviews lost when one of three replicas is stopped under load (markdown)."""
import json
import pathlib
import sys


def main(raw):
    raw = pathlib.Path(raw)
    machine = (raw / "machine.txt").read_text().splitlines()
    runs = []
    for line in (raw / "runs.txt").read_text().splitlines():
        fields = dict(part.split("=", 1) for part in line.split())
        load = json.loads((raw / (fields["run"] + "-load.json")).read_text().strip().splitlines()[-1])
        runs.append((fields, load))
    out = ["# Rollout: one of three replicas stopped under load", ""]
    out += ["```"] + machine + ["```", ""]
    out += ["64 closed-loop HTTP/1.1 keep-alive connections on /mutate through haproxy (TCP mode, /readyz checked every "
            "500 ms); replica 1 gets the signal 10 s into the 30 s measured window. An error is a review without a "
            "complete, well-formed answer (the kube-apiserver would report `failed calling webhook`).", ""]
    out += ["| run | signal | connections on replica 1 at the signal | replica 1 exited after | reviews | reviews/s "
            "| p99 | max | errors | of which |", "|---|---|---|---|---|---|---|---|---|---|"]
    totals = {}
    for fields, load in runs:
        kinds = {k: v for k, v in load.get("answers", {}).items() if k in ("io_error", "timeout", "malformed")}
        of_which = ", ".join(f"{k} {v}" for k, v in kinds.items() if v) or "-"
        out.append(f"| {fields['run']} | SIG{fields['signal']} | {fields['open_r1']} | "
                   f"{int(fields['exited_after_ms']) / 1000:.1f} s | {load['requests']} | {load['per_second']:.0f} | "
                   f"{load['p99_us'] / 1000:.1f} ms | {load['max_us'] / 1000:.0f} ms | {load['errors']} | {of_which} |")
        total = totals.setdefault(fields["signal"], [0, 0, 0])
        total[0] += load["requests"]
        total[1] += load["errors"]
        total[2] += int(fields["open_r1"] or 0)
    out += [""]
    for signal, (requests, errors, open_r1) in totals.items():
        out.append(f"- SIG{signal}: {errors} of {requests} reviews failed; replica 1 held {open_r1} connections "
                   f"at the signals (summed over the runs).")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
