#!/usr/bin/env bash
# dapr-guard audit benchmark: the cluster audit of a large fake cluster, with admission load before, during and
# after it.
#
# Usage: bench/audit.sh [--quick]
#
#   (default)  200 s of measured admission load (3-4 audit runs inside it): about 8 minutes on 2 cores.
#   --quick    100 s of measured load (1-2 runs inside it): a smoke test of the pipeline; indicative only.
#
# What it does (bench/README.md, "Audit", explains every number):
#   1. Builds target/dapr-guard.jar and the test classes (the load client io.daprguard.load.ReviewLoad), writes the
#      review bodies.
#   2. Starts the fake Kubernetes API server (bench/lib/fake_apiserver.py): 200 namespaces, 5 000 Dapr pods under
#      1 000 workloads (Deployment -> ReplicaSet -> Pod, StatefulSet, DaemonSet, CronJob -> Job -> Pod),
#      Components, Configurations, the Dapr control plane; chunked lists (limit/continue) of pre-rendered objects;
#      the PolicyReport CRD; the Lease. It logs every call, so list calls are counted where they arrive.
#   3. Starts dapr-guard exactly as the image and the chart run it (the Dockerfile's extracted layers, its AOT
#      cache training run, its JAVA_TOOL_OPTIONS, -XX:MaxRAM=256m for the chart's 256Mi limit), with the audit on
#      as the chart turns it on (page size 500, 20 calls/s, 1 000 results per report, kube-system and the release
#      namespace excluded) and a kubeconfig naming the fake; interval 1m (the chart's is 10m: the interval does not
#      change what one run costs, it only fits more runs into the measurement); first run 30 s after it leads.
#   4. Admission load from the start: 32 closed-loop connections on /mutate (typical pod), 20 s warm-up, then the
#      measured window; every answer's time and latency go to a trace, which the report splits into the windows
#      while a run was in progress (from the fake's call log) and the rest. The first run (it creates the
#      reports) and the later ones (nothing to write) run under this load. After the load, one more run without
#      load gives the audit's unloaded wall time.
#   5. VmRSS/VmHWM every 100 ms for the server's whole life; GC log with epoch timestamps (pauses per window).
#   6. Writes bench/results/<date>-audit-<commit>.md and bench/results/audit-latest.md; raw output in
#      bench/results/raw/audit-<stamp>-<commit>/ (git-ignored).
#
# Environment: BENCH_PORT / BENCH_MGMT_PORT (default 8443 / 9090), AUDIT_API_PORT (the fake, default 18080),
# AUDIT_CONNECTIONS (default 32), AUDIT_NAMESPACES (default 200), AUDIT_JAR (a built dapr-guard.jar: no build),
# AUDIT_JFR=1 (a JFR recording of the server, settings=profile, into the raw directory), AUDIT_DOCKERFILE (the
# Dockerfile whose JAVA_TOOL_OPTIONS and environment to use), IMAGE_MAX_RAM and IMAGE_CGROUP (bench/lib/image.sh).
# Needs python3, curl, ports free. The fake API server and the load generator run on the same machine.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
bench_args "bench/audit.sh [--quick]" "$@"
if [ "$QUICK" = 1 ]; then MODE=quick LOAD=100; else MODE=full LOAD=200; fi
WARM=20
FIRST_RUN_DELAY=30
CONNS=${AUDIT_CONNECTIONS:-32}
NAMESPACES=${AUDIT_NAMESPACES:-200}
PORT=${BENCH_PORT:-8443}
MPORT=${BENCH_MGMT_PORT:-9090}
APORT=${AUDIT_API_PORT:-18080}

bench_init audit
SERVER_PID="" FAKE_PID="" SAMPLER_PID=""
cleanup() {
  for pid in "$SAMPLER_PID" "$SERVER_PID" "$FAKE_PID"; do [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ports_free "BENCH_PORT / BENCH_MGMT_PORT / AUDIT_API_PORT" "$PORT" "$MPORT" "$APORT"
bench_build "${AUDIT_JAR:-}"
machine_info "connections=$CONNS load=${LOAD}s" "python=$(python3 --version 2>&1)"

source bench/lib/image.sh

log "fake API server: generating $NAMESPACES namespaces"
python3 bench/lib/fake_apiserver.py "$APORT" "$WORK/kubeconfig" "$RAW/calls.log" --namespaces "$NAMESPACES" \
  --summary "$RAW/cluster.json" >"$RAW/fake-apiserver.log" 2>&1 &
FAKE_PID=$!
await_port "$APORT" 120 || { log "the fake API server did not start"; cat "$RAW/fake-apiserver.log" >&2; exit 1; }

image_prepare "$JAR" "${AUDIT_DOCKERFILE:-Dockerfile}"
JFR=()
[ "${AUDIT_JFR:-0}" = 1 ] && JFR=(-XX:StartFlightRecording=filename="$RAW/server.jfr",settings=profile,dumponexit=true)

# The audit as the chart configures it (values.yaml audit.*; the release namespace is dapr-guard), interval 1m.
AUDIT_ARGS=(--dapr-guard.audit.enabled=true --dapr-guard.audit.kubeconfig="$WORK/kubeconfig"
  --dapr-guard.audit.interval=1m --dapr-guard.audit.initial-delay="${FIRST_RUN_DELAY}s"
  --dapr-guard.audit.page-size=500 --dapr-guard.audit.qps=20 --dapr-guard.audit.max-results-per-report=1000
  --dapr-guard.audit.lease-namespace=dapr-guard --dapr-guard.audit.exclude-namespaces=kube-system,dapr-guard)

log "dapr-guard: start as the image and chart run it, audit on"
IMAGE_ENV=(HOSTNAME=dapr-guard-0)
IMAGE_JVM_EXTRA=(${JFR[@]+"${JFR[@]}"})
IMAGE_RSS_FILE=$RAW/rss.txt
image_start "$RAW/server.log" "$RAW/gc.log" "${AUDIT_ARGS[@]}"
echo "ready_epoch_ms=$(date +%s%3N)" >>"$RAW/machine.txt"

runs() { # successful audit runs so far
  curl -fsS "http://127.0.0.1:$MPORT/metrics" 2>/dev/null \
    | awk '/^daprguard_audit_runs_total\{.*result="success"/ {print int($2); found=1} END {if (!found) print 0}' \
    || true
}

log "admission load: $CONNS connections on /mutate, ${WARM}s warm-up, ${LOAD}s measured (audit runs every minute)"
"$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/mutate" \
  --body "$WORK/bodies/pod-typical.json" -c "$CONNS" --warmup "$WARM" -d "$LOAD" --trace "$RAW/trace.txt" \
  >"$RAW/load.json"
echo "load_end_epoch_ms=$(date +%s%3N)" >>"$RAW/machine.txt"
DONE=$(runs)
log "load done ($DONE audit runs so far); waiting for one more run without load"
for _ in $(seq 1 1500); do
  [ "$(runs)" -gt "$DONE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$MPORT/metrics" >"$RAW/metrics.txt" || true
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""


DATE=$(date -u +%Y-%m-%d)
REPORT=bench/results/$DATE-audit-$COMMIT.md
python3 bench/lib/audit_report.py "$RAW" >"$REPORT"
cp "$REPORT" bench/results/audit-latest.md
log "report: $REPORT"
