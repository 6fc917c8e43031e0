#!/usr/bin/env python3
"""Samples a process' resident memory until it exits.

  rss_sampler.py PID OUT [INTERVAL_S]

Appends "epoch_ms VmRSS_kB VmHWM_kB RssAnon_kB" lines to OUT every INTERVAL_S (default 0.1 s), from
/proc/PID/status. VmHWM is the kernel's own peak-RSS counter, so a peak between two samples is not lost. RssAnon is
the part a container's memory limit cannot reclaim (RSS also counts file pages: the mapped jars and AOT cache).
"""
import sys
import time


def main():
    pid, out = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    with open(out, "a", buffering=1) as f:
        while True:
            try:
                with open(f"/proc/{pid}/status") as s:
                    text = s.read()
            except OSError:
                return
            rss = hwm = None
            anon = 0
            for line in text.splitlines():
                if line.startswith("RssAnon:"):
                    anon = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("State:") and "Z" in line.split()[1]:
                    return
            if rss is None:
                return
            f.write(f"{int(time.time() * 1000)} {rss} {hwm} {anon}\n")
            time.sleep(interval)


if __name__ == "__main__":
    main()
