#!/usr/bin/env bash
# dapr-guard rollout benchmark: three replicas behind a health-checked load balancer, one of them stopped mid-run
# with SIGTERM (a rollout, a node drain) or SIGKILL (a crash). Counts the reviews that got no answer.
#
# Usage: bench/rollout.sh [--quick]
#
#   (default)  3 runs with SIGTERM and 3 with SIGKILL, alternated: about 6 minutes on 2 cores.
#   --quick    1 run of each.
#
# What it does (bench/README.md, "Rollouts", explains every number):
#   1. Builds target/dapr-guard.jar and the test classes (the load client io.daprguard.load.ReviewLoad), unless
#      ROLLOUT_JAR names a built jar (another commit, for a before/after comparison in one sitting).
#   2. Starts three replicas exactly as the image and the chart run them (bench/lib/image.sh: the Dockerfile's layers,
#      JAVA_TOOL_OPTIONS and AOT cache, -XX:MaxRAM=256m), sharing one certificate, each with the chart's drain period
#      (shutdown.drainPeriodSeconds, 5 s).
#   3. haproxy in TCP mode in front of them, as a Service is: a connection stays with the replica it was opened to
#      (kube-proxy's conntrack), new connections go round robin to the replicas whose /readyz answers 200, checked
#      every 500 ms (one failure takes a replica out, two successes put it back).
#   4. ReviewLoad through haproxy: 64 closed-loop HTTP/1.1 keep-alive connections on /mutate (typical pod), 8 s of
#      warm-up, then 30 s measured; 10 s into them, the signal goes to replica 1. Every review that got no complete,
#      well-formed answer is an error (the kube-apiserver does not retry a POST: each would be a "failed calling
#      webhook"). Just before the signal, haproxy's stats give the connections open to replica 1: with SIGKILL, at
#      most that many reviews can be in flight on it.
#   5. Writes bench/results/<date>-rollout-<commit>.md and bench/results/rollout-latest.md; raw output in
#      bench/results/raw/rollout-<stamp>-<commit>/ (git-ignored).
#
# Environment: ROLLOUT_JAR (a built dapr-guard.jar: no build), ROLLOUT_LABEL (a name for the server in the report),
# ROLLOUT_RUNS (runs per signal), ROLLOUT_DRAIN (drain period, default 5s), ROLLOUT_BASE_PORT (default 18400: the
# balancer, its stats +1, replicas' admission ports +43..+45 and management ports +90..+92).
# Needs haproxy (Debian: apt-get install haproxy), python3, curl, ports free.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
bench_args "bench/rollout.sh [--quick]" "$@"
if [ "$QUICK" = 1 ]; then MODE=quick RUNS=${ROLLOUT_RUNS:-1}; else MODE=full RUNS=${ROLLOUT_RUNS:-3}; fi
CONNS=64
WARM=8
LOAD=30
SIGNAL_AT=10
DRAIN=${ROLLOUT_DRAIN:-5s}
BASE=${ROLLOUT_BASE_PORT:-18400}
LB=$BASE
STATS=$((BASE + 1))
PORTS=($((BASE + 43)) $((BASE + 44)) $((BASE + 45)))
MPORTS=($((BASE + 90)) $((BASE + 91)) $((BASE + 92)))
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$HAPROXY" ] || { echo "haproxy is missing (Debian: apt-get install haproxy)" >&2; exit 1; }

bench_init rollout
PIDS=("" "" "") SAMPLERS=("" "" "") LB_PID="" SAMPLER_PID=""
cleanup() {
  for pid in "${PIDS[@]}" "${SAMPLERS[@]}" "$LB_PID"; do [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ports_free "ROLLOUT_BASE_PORT" "$LB" "$STATS" "${PORTS[@]}" "${MPORTS[@]}"
bench_build "${ROLLOUT_JAR:-}"
machine_info "connections=$CONNS load=${LOAD}s signal_at=${SIGNAL_AT}s drain=$DRAIN runs=$RUNS label=${ROLLOUT_LABEL:-}" \
  "haproxy=$("$HAPROXY" -v | head -1)"

source bench/lib/image.sh
PORT=${PORTS[0]} MPORT=${MPORTS[0]}
image_prepare "$JAR" Dockerfile
IMAGE_DRAIN=$DRAIN

cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 4096
  stats socket ipv4@127.0.0.1:$STATS level admin
defaults
  mode tcp
  timeout connect 2s
  timeout client 60s
  timeout server 60s
frontend admission
  bind 127.0.0.1:$LB
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 1 rise 2
  server r1 127.0.0.1:${PORTS[0]} check port ${MPORTS[0]}
  server r2 127.0.0.1:${PORTS[1]} check port ${MPORTS[1]}
  server r3 127.0.0.1:${PORTS[2]} check port ${MPORTS[2]}
EOF

start_replica() { # INDEX RUN
  local i=$1 run=$2
  PORT=${PORTS[$i]} MPORT=${MPORTS[$i]}
  IMAGE_ENV=(HOSTNAME=dapr-guard-$i)
  IMAGE_RSS_FILE=$RAW/$run-rss-r$((i + 1)).txt
  image_start "$RAW/$run-server-r$((i + 1)).log" "$RAW/$run-gc-r$((i + 1)).log"
  PIDS[$i]=$SERVER_PID
  SAMPLERS[$i]=$SAMPLER_PID
}

# haproxy's stats: current sessions of one server (scur, the 5th field of "show stat").
sessions() {
  exec 3<>"/dev/tcp/127.0.0.1/$STATS"
  echo "show stat" >&3
  awk -F, -v s="$1" '$1 == "replicas" && $2 == s {print $5}' <&3
  exec 3>&-
}

one_run() { # RUN SIGNAL
  local run=$1 signal=$2 i
  log "$run: three replicas, haproxy, $CONNS connections; SIG$signal to replica 1 at ${SIGNAL_AT}s"
  for i in 0 1 2; do start_replica "$i" "$run"; done
  "$HAPROXY" -f "$WORK/haproxy.cfg" -db >"$RAW/$run-haproxy.log" 2>&1 &
  LB_PID=$!
  await_port "$LB" 10 || { log "haproxy did not start"; cat "$RAW/$run-haproxy.log" >&2; exit 1; }
  sleep 2 # two health checks: every replica up
  "$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$LB/mutate" \
    --body "$WORK/bodies/pod-typical.json" -c "$CONNS" --warmup "$WARM" -d "$LOAD" --ca "$WORK/certs/ca.crt" --prime 0 \
    >"$RAW/$run-load.json" 2>"$RAW/$run-load.err" &
  local load=$!
  sleep $((WARM + SIGNAL_AT))
  local open; open=$(sessions r1)
  local at; at=$(date +%s%3N)
  kill -s "$signal" "${PIDS[0]}"
  wait "${PIDS[0]}" 2>/dev/null || true
  local exited; exited=$(date +%s%3N)
  PIDS[0]=""
  wait "$load" || true
  echo "run=$run signal=$signal open_r1=$open signal_epoch_ms=$at exited_after_ms=$((exited - at))" >>"$RAW/runs.txt"
  log "$run: replica 1 had $open connections at the signal and exited after $((exited - at)) ms; load: $(cat "$RAW/$run-load.json")"
  kill "$LB_PID" 2>/dev/null || true
  wait "$LB_PID" 2>/dev/null || true
  LB_PID=""
  for i in 1 2; do
    kill "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
    PIDS[$i]=""
  done
  for i in 0 1 2; do [ -z "${SAMPLERS[$i]}" ] || kill "${SAMPLERS[$i]}" 2>/dev/null || true; SAMPLERS[$i]=""; done
}

for n in $(seq 1 "$RUNS"); do
  one_run "term-$n" TERM
  one_run "kill-$n" KILL
done

DATE=$(date -u +%Y-%m-%d)
REPORT=bench/results/$DATE-rollout-$COMMIT${ROLLOUT_LABEL:+-$ROLLOUT_LABEL}.md
python3 bench/lib/rollout_report.py "$RAW" >"$REPORT"
cp "$REPORT" bench/results/rollout-latest.md
log "report: $REPORT"
