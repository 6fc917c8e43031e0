#!/usr/bin/env bash
# dapr-guard burst benchmark: concurrency sweep, soak and overload, against dapr-guard and a lean baseline.
#
# Usage: bench/burst.sh [--quick]
#
#   (default)  30 s per step after a 5 s warm-up, a 2-minute soak: about 25 minutes on 2 cores.
#   --quick    8 s per step, a 20 s soak: a smoke test of the pipeline (about 8 minutes); indicative only.
#
# What it does (bench/README.md, "Bursts", explains every number):
#   1. Builds target/dapr-guard.jar and the test classes (the load client io.daprguard.load.ReviewLoad and the
#      baseline io.daprguard.load.BaselineServer live in src/test/java), writes the review bodies.
#   2. Fresh replica: starts dapr-guard exactly as the image and the chart run it (the Dockerfile's extracted
#      layers, its AOT cache training run and -XX:AOTCache (JDK 25+), its JAVA_TOOL_OPTIONS, -XX:MaxRAM=256m for the
#      chart's 256Mi memory limit, GC logging to count full collections), times its first review from the launch,
#      and within 5 s of it opens 256 connections on /mutate for 30 s (the load client primes its own TLS path
#      against the baseline meanwhile, so that only the server is fresh): p50, p99 and max per 5-s slice.
#   3. Starts the baseline beside it (the JDK's HttpsServer with a fixed answer, same JVM options, port 8444).
#   4. Sweep: 8, 32, 64, 128 and 256 HTTP/1.1 keep-alive connections, closed loop, /mutate (typical pod) and
#      /validate (the same pod as admitted), one connection per review in flight and a 10 s per-request timeout
#      that drops the connection, as the kube-apiserver calls; each step against dapr-guard, then at once against
#      the baseline (the other server idles meanwhile), so that the ratio compares like with like. Per step:
#      reviews/s, p50/p99/p99.9, errors, full GCs, peak RSS. Then the baseline stops.
#   5. Soak: 128 connections on /mutate for 2 minutes: full GCs, peak RSS, the process still running.
#   6. Overload: 1024 connections (2.7x dapr-guard.limits.max-concurrent-reviews, 2x max-connections) on
#      /mutate; a connection whose review was refused with code 429 waits 100 ms before its next one (the
#      apiserver does not retry a refused call; the next review is a later pod): how fast the 429s come, and
#      what is still evaluated.
#   7. Writes bench/results/<date>-burst-<commit>.md and bench/results/burst-latest.md; raw output in
#      bench/results/raw/burst-<stamp>-<commit>/ (git-ignored).
#
# Environment: BENCH_PORT / BENCH_MGMT_PORT / BENCH_BASELINE_PORT (default 8443 / 9090 / 8444), BURST_STEPS
# (default "8 32 64 128 256").
# To measure another build the same way (a "before" run): BURST_JAR (a built dapr-guard.jar; no build then),
# BURST_DOCKERFILE (the Dockerfile whose JAVA_TOOL_OPTIONS and SPRING_* settings to use), BURST_BASELINE=0 (skip
# the baseline), BURST_LABEL (added to the report's name), IMAGE_MAX_RAM (the memory limit to emulate, default
# 256m, the chart's), IMAGE_CGROUP (a memory cgroup to start the server in: a real limit; bench/lib/image.sh).
# Needs python3, keytool (any JDK), ports free. The load generator runs on the same machine as the server.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
bench_args "bench/burst.sh [--quick]" "$@"
if [ "$QUICK" = 1 ]; then MODE=quick STEP=8 WARM=3 SOAK=20 GLOBAL_WARM=15 OVERLOAD=8
else MODE=full STEP=30 WARM=5 SOAK=120 GLOBAL_WARM=40 OVERLOAD=20; fi
FRESH=30
STEPS=${BURST_STEPS:-8 32 64 128 256}
PORT=${BENCH_PORT:-8443}
MPORT=${BENCH_MGMT_PORT:-9090}
BPORT=${BENCH_BASELINE_PORT:-8444}

bench_init burst
RESULTS=$RAW/results.jsonl
SERVER_PID=""
BASELINE_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$BASELINE_PID"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

DOCKERFILE=${BURST_DOCKERFILE:-Dockerfile}
LABEL=${BURST_LABEL:+-$BURST_LABEL}
ports_free "BENCH_PORT / BENCH_MGMT_PORT / BENCH_BASELINE_PORT" "$PORT" "$MPORT" "$BPORT"
bench_build "${BURST_JAR:-}"
machine_info "dockerfile=$DOCKERFILE"

source bench/lib/image.sh
image_prepare "$JAR" "$DOCKERFILE"

start_baseline() {
  rm -f "$WORK/baseline.p12"
  keytool -genkeypair -alias baseline -keyalg EC -groupname secp256r1 -dname CN=127.0.0.1 -validity 2 \
    -keystore "$WORK/baseline.p12" -storetype PKCS12 -storepass baseline >/dev/null 2>&1
  env JAVA_TOOL_OPTIONS="$JTO" "$JAVA" -XX:MaxRAM="$IMAGE_MAX_RAM" -Xlog:gc:file="$RAW/gc-baseline.log" -cp "$CP" \
    io.daprguard.load.BaselineServer "$BPORT" "$WORK/baseline.p12" baseline "$WORK/answer-mutate.json" \
    "$WORK/answer-validate.json" 16 \
    >"$RAW/server-baseline.log" 2>&1 &
  BASELINE_PID=$!
  await_port "$BPORT" 60 || { log "baseline did not start"; exit 1; }
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

stop_baseline() {
  [ -n "$BASELINE_PID" ] || return 0
  kill "$BASELINE_PID" 2>/dev/null || true
  wait "$BASELINE_PID" 2>/dev/null || true
  BASELINE_PID=""
}

# The process and port of SERVER (dapr-guard or baseline).
pid_of() { if [ "$1" = baseline ]; then echo "$BASELINE_PID"; else echo "$SERVER_PID"; fi; }
port_of() { if [ "$1" = baseline ]; then echo "$BPORT"; else echo "$PORT"; fi; }

full_gcs() { grep -c 'Pause Full' "$1" 2>/dev/null || true; }

# measure SERVER PHASE ENDPOINT BODY CONNECTIONS SECONDS [EXTRA ReviewLoad ARGS...]: one closed-loop run; one
# JSON line with the load client's figures, the full GCs during the run and the highest VmRSS sampled.
measure() {
  local server=$1 phase=$2 endpoint=$3 body=$4 conns=$5 secs=$6; shift 6
  local gclog=$RAW/gc-$server.log before after peak=0 anon=0 r out pid port
  pid=$(pid_of "$server"); port=$(port_of "$server")
  before=$(full_gcs "$gclog")
  : >"$WORK/rss.txt"
  python3 bench/lib/rss_sampler.py "$pid" "$WORK/rss.txt" 0.1 &
  local sampler=$!
  out=$("$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$port/$endpoint" \
    --body "$WORK/bodies/$body.json" -c "$conns" --warmup "$WARM" -d "$secs" "$@")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  after=$(full_gcs "$gclog")
  peak=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$WORK/rss.txt")
  anon=$(awk 'BEGIN {m = 0} $4 > m {m = $4} END {print m}' "$WORK/rss.txt")
  r=$(kill -0 "$pid" 2>/dev/null && echo true || echo false)
  echo "{\"server\":\"$server\",\"phase\":\"$phase\",\"endpoint\":\"$endpoint\",\"full_gcs\":$((after - before)),\"peak_rss_kb\":$peak,\"peak_anon_kb\":$anon,\"alive\":$r,\"load\":$out}" \
    | tee -a "$RESULTS"
}

# sweep SERVER...: every step against each server in turn, back to back, so that a ratio compares measurements
# made within a minute of each other (the machine's speed drifts over a run by more than the builds differ).
sweep() {
  local conns server
  for conns in $STEPS; do
    for server in "$@"; do
      measure "$server" sweep mutate pod-typical "$conns" "$STEP" >/dev/null
      measure "$server" sweep validate pod-typical-admitted "$conns" "$STEP" >/dev/null
    done
    log "$*: $conns connections done"
  done
}

# A fresh replica. The baseline answers the client's priming meanwhile (any well-formed answer with the uid).
uid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["request"]["uid"])' "$WORK/bodies/pod-typical.json")
for endpoint in mutate validate; do
  printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"%s","allowed":true}}' \
    "$uid" >"$WORK/answer-$endpoint.json"
done
start_baseline
log "dapr-guard: fresh replica, as the image and chart run it: first review, then 256 connections for $FRESH s"
LAUNCH_NS=$(date +%s%N)
image_launch "$RAW/server-dapr-guard.log" "$RAW/gc-dapr-guard.log"
FIRST=$(python3 bench/lib/firstreview.py "$LAUNCH_NS" "$SERVER_PID" "https://127.0.0.1:$PORT/mutate" \
  "$WORK/bodies/pod-typical.json")
measure dapr-guard fresh mutate pod-typical 256 "$FRESH" --warmup 0 --prime 2000 \
  --prime-url "https://127.0.0.1:$BPORT/mutate" --trace "$RAW/fresh-trace.txt" >/dev/null
python3 bench/lib/slices.py "$RAW/fresh-trace.txt" 5 "$FIRST" >>"$RESULTS"
image_await_ready "$RAW/server-dapr-guard.log"
stop_baseline
for endpoint_body in "mutate pod-typical" "validate pod-typical-admitted"; do
  set -- $endpoint_body
  curl -fsS --cacert "$WORK/certs/ca.crt" -H 'Content-Type: application/json' --data-binary "@$WORK/bodies/$2.json" \
    "https://127.0.0.1:$PORT/$1" -o "$WORK/answer-$1.json"
done
log "dapr-guard: warm-up ($GLOBAL_WARM s per endpoint)"
"$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/mutate" --body "$WORK/bodies/pod-typical.json" \
  -c 32 -d "$GLOBAL_WARM" >/dev/null
"$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/validate" \
  --body "$WORK/bodies/pod-typical-admitted.json" -c 32 -d "$GLOBAL_WARM" >/dev/null
SERVERS=(dapr-guard)
if [ "${BURST_BASELINE:-1}" != 0 ]; then
  log "baseline: the JDK's HttpsServer answering the same bytes, beside dapr-guard"
  start_baseline
  "$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$BPORT/mutate" \
    --body "$WORK/bodies/pod-typical.json" -c 32 -d "$GLOBAL_WARM" >/dev/null
  SERVERS+=(baseline)
fi
sweep "${SERVERS[@]}"
stop_baseline
log "dapr-guard: soak, 128 connections for $SOAK s"
measure dapr-guard soak mutate pod-typical 128 "$SOAK" >/dev/null
log "dapr-guard: overload, 1024 connections"
measure dapr-guard overload mutate pod-typical 1024 "$OVERLOAD" --pause-after-refusal-ms 100 >/dev/null
measure dapr-guard overload-closed mutate pod-typical 1024 "$OVERLOAD" >/dev/null
grep -E 'java.lang.OutOfMemoryError|Terminating due to' "$RAW/server-dapr-guard.log" >"$RAW/fatal.txt" || true
stop_server

DATE=$(date -u +%Y-%m-%d)
REPORT=bench/results/$DATE-burst-$COMMIT$LABEL.md
python3 bench/lib/burst_report.py "$RESULTS" "$RAW/machine.txt" "$RAW/fatal.txt" >"$REPORT"
[ -n "$LABEL" ] || cp "$REPORT" bench/results/burst-latest.md
log "report: $REPORT"
