#!/usr/bin/env bash
# dapr-guard right-sizing benchmark: the audit reading a week of daprd history for 1 000 workloads and 5 000 pods
# from a real Prometheus, with admission load at a fixed rate, and admission p99 with rightsizing.apply=defaults
# against off, in one run.
#
# Usage: bench/rightsizing.sh [--quick]
#
#   (default)  7 days of history; 60 s measured per steady phase: about 30 minutes on 2 cores (the history takes 7).
#   --quick    2 days of history; 30 s per steady phase: a smoke test of the pipeline (about 15 minutes).
#
# What it does (bench/README.md, "Right-sizing", explains every number):
#   1. Builds target/dapr-guard.jar and the test classes (the load client io.daprguard.load.ReviewLoad and the
#      history writer io.daprguard.load.DaprdHistory), writes the review bodies.
#   2. Starts the fake Kubernetes API server of bench/audit.sh (200 namespaces, 5 000 Dapr pods under 1 000
#      workloads) and has it list its Dapr pods and ReplicaSets.
#   3. History: for every one of those pods, one sample every 30 s over the window, ending now, of
#      container_memory_working_set_bytes and container_cpu_usage_seconds_total{container="daprd"} and
#      kube_pod_owner, and kube_replicaset_owner for the ReplicaSets (5 shapes: steady, spiky, growing, near the
#      1000Mi limit, idle), written as OpenMetrics in 18-hour files and turned into TSDB blocks by
#      `promtool tsdb create-blocks-from openmetrics` (Debian's prometheus 2.42).
#   4. Starts Prometheus on that data (retention 15d, so 18-hour blocks, nothing to compact; query log on).
#   5. For apply=off, then apply=defaults, a fresh dapr-guard started as the image and the chart run it (the
#      Dockerfile's layers, JAVA_TOOL_OPTIONS, AOT cache, -XX:MaxRAM=256m), audit on as the chart sets it, with
#      rightsizing.prometheus.url; first audit run 30 s after it leads, interval 10m (the chart's: no second run
#      inside the measurement):
#        a. "audit": from ready, 1 000 reviews/s offered on /mutate (Poisson, RS_CONNECTIONS HTTP/1.1 keep-alive
#           connections, latency from when each review was due), through the first audit run and its Prometheus
#           queries; the trace is split into the run's window and the rest;
#        b. "steady": after the run (with defaults: once the replica has read the recommendations back), the same
#           load again, measured for 60 s (30 s quick): the p99 that apply=defaults changes;
#        c. one review of the same pod, whose answer (the annotations the patch adds) goes into the report.
#      VmRSS/VmHWM every 100 ms for the server's whole life.
#   6. Writes bench/results/<date>-rightsizing-<commit>.md and bench/results/rightsizing-latest.md; raw output in
#      bench/results/raw/rightsizing-<stamp>-<commit>/ (git-ignored).
#
# Environment: BENCH_PORT / BENCH_MGMT_PORT (default 8443 / 9090), RS_API_PORT (the fake, default 18080),
# RS_PROMETHEUS_PORT (default 19090), RS_NAMESPACES (default 200: 25 pods each), RS_DAYS (history, default 7; 2
# quick), RS_RATE (default 1000), RS_CONNECTIONS (default 32), RS_JAR (a built dapr-guard.jar: no build), RS_LABEL
# (added to the report's name; the report is then not copied to rightsizing-latest.md).
# Needs python3, curl, prometheus and promtool (apt-get install prometheus), about 8 GB free in $TMPDIR while the
# history is written (2 GB after), ports free. Everything runs on the same machine.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
bench_args "bench/rightsizing.sh [--quick]" "$@"
if [ "$QUICK" = 1 ]; then MODE=quick DAYS=${RS_DAYS:-2} STEADY=30 AUDIT_LOAD=90
else MODE=full DAYS=${RS_DAYS:-7} STEADY=60 AUDIT_LOAD=120; fi
WARM=15
FIRST_RUN_DELAY=30
RATE=${RS_RATE:-1000}
CONNS=${RS_CONNECTIONS:-32}
NAMESPACES=${RS_NAMESPACES:-200}
PORT=${BENCH_PORT:-8443}
MPORT=${BENCH_MGMT_PORT:-9090}
APORT=${RS_API_PORT:-18080}
PPORT=${RS_PROMETHEUS_PORT:-19090}

bench_init rightsizing
SERVER_PID="" FAKE_PID="" SAMPLER_PID="" PROM_PID="" POLL_PID=""
cleanup() {
  for pid in "$POLL_PID" "$SAMPLER_PID" "$SERVER_PID" "$PROM_PID" "$FAKE_PID"; do
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install prometheus curl python3)" >&2; exit 1; }
done
ports_free "BENCH_PORT / BENCH_MGMT_PORT / RS_API_PORT / RS_PROMETHEUS_PORT" "$PORT" "$MPORT" "$APORT" "$PPORT"
bench_build "${RS_JAR:-}"
machine_info "rate=$RATE connections=$CONNS days=$DAYS" "prometheus=$(prometheus --version 2>&1 | head -1)"

source bench/lib/image.sh

log "fake API server: generating $NAMESPACES namespaces"
python3 bench/lib/fake_apiserver.py "$APORT" "$WORK/kubeconfig" "$RAW/calls.log" --namespaces "$NAMESPACES" \
  --summary "$RAW/cluster.json" --pods-out "$WORK/pods.txt" >"$RAW/fake-apiserver.log" 2>&1 &
FAKE_PID=$!
await_port "$APORT" 120 || { log "the fake API server did not start"; cat "$RAW/fake-apiserver.log" >&2; exit 1; }

log "history: $DAYS days of 30 s samples for every Dapr pod, through promtool"
END=$(( $(date +%s) / 30 * 30 ))
"$JAVA" -Xmx1g -cp "$CP" io.daprguard.load.DaprdHistory --pods "$WORK/pods.txt" --end "$END" --days "$DAYS" \
  --data "$WORK/prometheus/data" --work "$WORK/history" >"$RAW/history.json"
du -sb "$WORK/prometheus/data" | awk '{print "{\"tsdb_bytes\":" $1 "}"}' >"$RAW/tsdb.json"
rm -rf "$WORK/history"

log "Prometheus on the history"
cat >"$WORK/prometheus/prometheus.yml" <<EOF
global:
  query_log_file: $RAW/prometheus-queries.jsonl
scrape_configs: []
EOF
prometheus --config.file="$WORK/prometheus/prometheus.yml" --storage.tsdb.path="$WORK/prometheus/data" \
  --storage.tsdb.retention.time=15d --web.listen-address="127.0.0.1:$PPORT" >"$RAW/prometheus.log" 2>&1 &
PROM_PID=$!
for _ in $(seq 1 1200); do
  curl -fsS "http://127.0.0.1:$PPORT/-/ready" >/dev/null 2>&1 && break
  kill -0 "$PROM_PID" 2>/dev/null || { log "Prometheus exited"; tail -20 "$RAW/prometheus.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PPORT/-/ready" >/dev/null || { log "Prometheus not ready after 120 s"; exit 1; }

image_prepare "$JAR" Dockerfile

# The pod the load sends: only dapr.io/enabled and app-id set, so every sidecar default (fixed or recommended) is
# added; a pod of Deployment team-000/app-0's current ReplicaSet, as its ReplicaSet controller creates it.
python3 - "$WORK/bodies/pod-defaults.json" "$WORK/bodies/pod-workload.json" <<'EOF'
import json, sys
review = json.load(open(sys.argv[1]))
req = review["request"]
req["namespace"] = "team-000"
meta = req["object"]["metadata"]
meta.pop("name", None)
meta["generateName"] = "app-0-7d9f8b6c0d-"
meta["namespace"] = "team-000"
meta.setdefault("labels", {}).update({"app": "app-0", "pod-template-hash": "7d9f8b6c0d"})
meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "app-0-7d9f8b6c0d",
                            "uid": "0000", "controller": True, "blockOwnerDeletion": True}]
json.dump(review, open(sys.argv[2], "w"), separators=(",", ":"))
EOF

metric() { # NAME_REGEX: the sum of the matching series, 0 when none
  curl -fsS "http://127.0.0.1:$MPORT/metrics" 2>/dev/null \
    | awk -v re="$1" '$0 !~ /^#/ && $1 ~ re {s += $2; found = 1} END {print found ? s : 0}' || echo 0
}
runs() { metric '^daprguard_audit_runs_total\\{.*result="success"' | awk '{print int($1)}'; }

# The audit as the chart configures it (values.yaml audit.* and rightsizing.*; release namespace dapr-guard).
AUDIT_ARGS=(--dapr-guard.audit.enabled=true --dapr-guard.audit.kubeconfig="$WORK/kubeconfig"
  --dapr-guard.audit.interval=10m --dapr-guard.audit.initial-delay="${FIRST_RUN_DELAY}s"
  --dapr-guard.audit.page-size=500 --dapr-guard.audit.qps=20 --dapr-guard.audit.max-results-per-report=1000
  --dapr-guard.audit.lease-namespace=dapr-guard --dapr-guard.audit.exclude-namespaces=kube-system,dapr-guard
  --dapr-guard.rightsizing.prometheus.url="http://127.0.0.1:$PPORT"
  --dapr-guard.rightsizing.window="${DAYS}d")

load() { # PHASE_FILE WARMUP SECONDS SEED
  "$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/mutate" \
    --body "$WORK/bodies/pod-workload.json" -c "$CONNS" --rate "$RATE" --seed "$4" --warmup "$2" -d "$3" \
    --trace "$1.trace" >"$1.json"
}

for apply in off defaults; do
  log "dapr-guard apply=$apply: start as the image and chart run it, audit and right-sizing on"
  IMAGE_ENV=(HOSTNAME=dapr-guard-0)
  IMAGE_RSS_FILE=$RAW/rss-$apply.txt
  image_start "$RAW/server-$apply.log" "$RAW/gc-$apply.log" "${AUDIT_ARGS[@]}" --dapr-guard.rightsizing.apply="$apply"
  echo "$apply ready_epoch_ms=$(date +%s%3N)" >>"$RAW/phases.txt"
  (while true; do
     echo "$(date +%s%3N) $(runs) $(metric '^daprguard_rightsizing_applied_workloads') $(metric '^daprguard_rightsizing_source_up')"
     sleep 0.5
   done) >"$RAW/poll-$apply.txt" 2>/dev/null &
  POLL_PID=$!
  log "apply=$apply: $RATE reviews/s through the first audit run (${WARM}s warm-up, ${AUDIT_LOAD}s measured)"
  load "$RAW/audit-$apply" "$WARM" "$AUDIT_LOAD" 11
  for _ in $(seq 1 3000); do
    [ "$(runs)" -ge 1 ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { log "dapr-guard exited"; exit 1; }
    sleep 0.1
  done
  [ "$(runs)" -ge 1 ] || { log "no audit run within 5 minutes"; tail -30 "$RAW/server-$apply.log" >&2; exit 1; }
  if [ "$apply" = defaults ]; then
    for _ in $(seq 1 900); do
      [ "$(metric '^daprguard_rightsizing_applied_workloads')" != 0 ] && break
      sleep 0.1
    done
  fi
  echo "$apply audit_done_epoch_ms=$(date +%s%3N)" >>"$RAW/phases.txt"
  log "apply=$apply: steady, $RATE reviews/s (${WARM}s warm-up, ${STEADY}s measured)"
  load "$RAW/steady-$apply" "$WARM" "$STEADY" 12
  curl -fsS --cacert "$WORK/certs/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/bodies/pod-workload.json" "https://127.0.0.1:$PORT/mutate" -o "$RAW/answer-$apply.json"
  curl -fsS "http://127.0.0.1:$MPORT/metrics" >"$RAW/metrics-$apply.txt" || true
  grep -E 'java.lang.OutOfMemoryError|Terminating due to' "$RAW/server-$apply.log" >>"$RAW/fatal.txt" || true
  kill "$POLL_PID" 2>/dev/null || true
  POLL_PID=""
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  kill "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  # the next server starts on an empty cluster state: no Lease, no reports, no recommendations
  [ "$apply" = off ] || break
  kill "$FAKE_PID" 2>/dev/null || true
  wait "$FAKE_PID" 2>/dev/null || true
  python3 bench/lib/fake_apiserver.py "$APORT" "$WORK/kubeconfig" "$RAW/calls.log" --namespaces "$NAMESPACES" \
    >>"$RAW/fake-apiserver.log" 2>&1 &
  FAKE_PID=$!
  await_port "$APORT" 120 || { log "the fake API server did not start again"; exit 1; }
done
touch "$RAW/fatal.txt"

DATE=$(date -u +%Y-%m-%d)
REPORT=bench/results/$DATE-rightsizing-$COMMIT${RS_LABEL:+-$RS_LABEL}.md
python3 bench/lib/rightsizing_report.py "$RAW" >"$REPORT"
[ -n "${RS_LABEL:-}" ] || cp "$REPORT" bench/results/rightsizing-latest.md
log "report: $REPORT"
