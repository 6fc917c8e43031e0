#!/usr/bin/env python3
"""Who used the CPUs during a phase: the server, this benchmark (load tool, helpers) and everything else.

  cpustat.py snap OUT.json                       snapshot of every process' CPU ticks, and /proc/stat
  cpustat.py diff A.json B.json SERVER_PID BENCH_PID
      -> {"elapsed_s", "server_cores", "bench_cores", "foreign_cores", "idle_cores", "top_foreign": [...]}
  cpustat.py quiet SERVER_PID BENCH_PID MAX_FOREIGN WINDOW_S
      -> exit 0 if foreign CPU over one WINDOW_S window was below MAX_FOREIGN cores, else 1 (prints it)

"bench" is every process whose parent chain reaches BENCH_PID (run.sh), other than the server, including those
that exited during the window (through run.sh's cutime/cstime).
"foreign" is the machine's busy time (/proc/stat, exact) minus the server's and the benchmark's: other users of
this machine (builds, tests) and the kernel's own work. top_foreign names the biggest other processes.
On a shared machine, a phase with foreign_cores well above 0 measured a contended server.
"""
import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def snapshot():
    procs = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        ppid = int(fields[1])
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        children = int(fields[13]) + int(fields[14])  # cutime + cstime: reaped descendants
        procs[name] = {"ppid": ppid, "ticks": ticks, "children": children, "comm": comm}
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    return {"t": time.time(), "procs": procs, "idle": cpu[3] + cpu[4], "total": sum(cpu[:8])}


def ours(procs, pid, root):
    seen = 0
    while pid in procs and seen < 64:
        if pid == root:
            return True
        pid = str(procs[pid]["ppid"])
        seen += 1
    return pid == root


def diff(a, b, server, bench):
    elapsed = b["t"] - a["t"]
    server_t = bench_t = 0
    foreign = {}
    # Descendants of the benchmark that exited during the window (the load tool, JMH forks) are no longer in
    # /proc: their CPU is in the benchmark's cutime/cstime once reaped. Count that, minus what they had already
    # used at the first snapshot.
    if bench in a["procs"] and bench in b["procs"]:
        bench_t += b["procs"][bench].get("children", 0) - a["procs"][bench].get("children", 0)
        for pid, p in a["procs"].items():
            if pid not in b["procs"] and pid != server and ours(a["procs"], pid, bench):
                bench_t -= p["ticks"]
        bench_t = max(0, bench_t)
    for pid, p in b["procs"].items():
        before = a["procs"].get(pid)
        delta = p["ticks"] - (before["ticks"] if before and before["comm"] == p["comm"] else 0)
        if delta <= 0:
            continue
        if pid == server:
            server_t += delta
        elif ours(b["procs"], pid, bench):
            bench_t += delta
        else:
            foreign[pid] = (delta, p["comm"])
    idle = (b["idle"] - a["idle"]) / HZ
    busy = (b["total"] - a["total"]) / HZ - idle
    top = sorted(foreign.items(), key=lambda kv: -kv[1][0])[:3]
    # Machine-wide busy time (exact, /proc/stat) minus what the server and this benchmark used.
    foreign_t = max(0.0, busy - (server_t + bench_t) / HZ)
    return {
        "elapsed_s": round(elapsed, 2),
        "server_cores": round(server_t / HZ / elapsed, 2),
        "bench_cores": round(bench_t / HZ / elapsed, 2),
        "foreign_cores": round(foreign_t / elapsed, 2),
        "idle_cores": round(idle / elapsed, 2),
        "top_foreign": [f"{v[1]}({pid}):{v[0] / HZ / elapsed:.2f}" for pid, v in top],
    }


def main():
    cmd = sys.argv[1]
    if cmd == "snap":
        with open(sys.argv[2], "w") as f:
            json.dump(snapshot(), f)
    elif cmd == "diff":
        a, b = (json.load(open(p)) for p in sys.argv[2:4])
        print(json.dumps(diff(a, b, sys.argv[4], sys.argv[5])))
    elif cmd == "quiet":
        server, bench, limit, window = sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
        a = snapshot()
        time.sleep(window)
        d = diff(a, snapshot(), server, bench)
        print(json.dumps(d))
        sys.exit(0 if d["foreign_cores"] < limit else 1)


if __name__ == "__main__":
    main()
