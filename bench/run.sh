#!/usr/bin/env bash
# dapr-guard performance benchmark.
#
# Usage: bench/run.sh [--quick]
#
#   (default)  full mode: 3 measured runs of every load phase (medians reported), 7 start-up trials per variant
#              (round robin over the variants), JMH with 3 forks. About 55 minutes on a 2-core machine.
#   --quick    1 run of everything with short phases and JMH iterations: a smoke test of the whole pipeline
#              (about 15 minutes); its numbers are indicative only.
#
# What it does (bench/README.md explains every number):
#   1. Installs what is missing (wrk and h2load with apt-get, and says so), builds target/dapr-guard.jar
#      (./mvnw -B -q package -DskipTests) and the JMH jar (./mvnw -B -q -Pbench package -> target/bench/).
#   2. Writes the review bodies (bench/gen_bodies.py -> bench/bodies/).
#   3. JMH: PolicyEngine.review, AdmissionHandler.handle and the codec, one thread (= per core).
#   4. Starts the server as the container does: the Dockerfile's extracted layers and JarLauncher, its
#      JAVA_TOOL_OPTIONS (platform threads, as application.yaml sets), the 256Mi memory limit emulated with
#      -XX:MaxRAM=256m, certificates generated into a temp dir, drain period 0s. Java is Temurin 25 from
#      /usr/lib/jvm/temurin-25-jdk-amd64 when present, else `java`. HTTP/2 (off in the image: it stalls under
#      concurrent streams) is turned on here only for the HTTP/2 rows beside the HTTP/1.1 ones the apiserver
#      uses. Measures the time from launch to the first served review, Spring's "Started ... in X seconds", and
#      /readyz.
#   5. Load, over HTTPS on 127.0.0.1:8443, every phase preceded by its own warm-up and bounded in time (and
#      count), with the server's histogram scraped from :9090/metrics before and after it:
#        - saturation: h2load (HTTP/2) and wrk (HTTP/1.1 keep-alive) per body / endpoint;
#        - fixed offered rates of 500 and 1000 reviews/s: Poisson arrivals over 10 connections (h2load timing
#          scripts, HTTP/2 and HTTP/1.1), and h2load --rps bursts (10 reviews at once) over HTTP/1.1 beside them;
#        - unloaded latency (one request at a time, HTTP/1.1 and HTTP/2) of the typical and the large pods.
#      Resident memory is sampled all along (VmRSS/VmHWM from /proc/<pid>/status).
#   6. Start-up experiments: fat jar, extracted jar, AppCDS, the JDK 25 AOT cache, lazy initialization.
#   7. Profiles: JFR during saturation (typical pod and 1 MB pod) with NMT, and JFR of the engine under JMH.
#   8. Writes bench/results/<date>-<commit>.md and bench/results/latest.md; raw outputs in
#      bench/results/raw/<stamp>-<commit>/ (git-ignored).
#
# Environment (optional):
#   BENCH_PORT, BENCH_MGMT_PORT   ports of the server (default 8443 and 9090; set others on a shared machine)
#   BENCH_QUIET_MAX, BENCH_QUIET_BUDGET, BENCH_QUIET_LIMIT
#                                 waiting for a quiet machine: per phase (120 s full / 20 s quick), in total
#                                 (1800 s / 120 s), and what counts as quiet (0.25 foreign cores)
#   BENCH_SKIP=jmh,load,startup,memory,profile   skip stages (while working on the benchmark itself)
#   BENCH_RUNS                    measured runs per load phase (3 full, 1 quick): --quick with BENCH_RUNS=3 gives
#                                 medians of short runs in about half an hour
#
# Needs: root (or the tools installed), python3, ports 8443 and 9090 free. The load generator runs on the same
# machine as the server; on a machine shared with other work, each phase first waits (bounded) for the other
# processes to go quiet, and the CPU they used anyway is reported per phase ("foreign" cores).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
bench_args "bench/run.sh [--quick]" "$@"

BENCH=$ROOT/bench
LIB=$BENCH/lib
cd "$ROOT"

if [ "$QUICK" = 1 ]; then
  MODE=quick RUNS=1 WARM=2 GLOBAL_WARM=10 MEASURE=4 RATE_WARM=2 RATE_MEASURE=6 RATE_SKIP=2 START_TRIALS=1 QUIET_MAX=20 QUIET_BUDGET=120
  UNLOADED_SMALL=500 UNLOADED_100K=100 UNLOADED_1M=30 PROFILE_SECONDS=6
  JMH_ARGS=(-f 1 -wi 5 -w 1s -i 3 -r 1s)
else
  MODE=full RUNS=3 WARM=4 GLOBAL_WARM=30 MEASURE=10 RATE_WARM=4 RATE_MEASURE=8 RATE_SKIP=2 START_TRIALS=7 QUIET_MAX=120 QUIET_BUDGET=1800
  UNLOADED_SMALL=2000 UNLOADED_100K=400 UNLOADED_1M=200 PROFILE_SECONDS=15
  JMH_ARGS=(-f 3 -wi 8 -w 1s -i 5 -r 1s)
fi
RUNS=${BENCH_RUNS:-$RUNS}                     # measured runs per load phase (medians over them)
QUIET_MAX=${BENCH_QUIET_MAX:-$QUIET_MAX}      # longest wait (s) for a quiet machine before a phase
QUIET_BUDGET=${BENCH_QUIET_BUDGET:-$QUIET_BUDGET}  # longest total wait (s) over the whole run
PORT=${BENCH_PORT:-8443}                      # admission port (HTTPS)
MPORT=${BENCH_MGMT_PORT:-9090}                # management port (/metrics, /readyz)
QUIET_LIMIT=${BENCH_QUIET_LIMIT:-0.25}        # foreign cores below which the machine counts as quiet
BENCH_SKIP=${BENCH_SKIP:-}                    # comma list of stages to skip: jmh,load,startup,profile
skip() { [[ ",$BENCH_SKIP," == *",$1,"* ]]; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
DATE=$(date -u +%Y-%m-%d)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Uncommitted changes to what the server is built from are named in the report.
DIRTY=$(git status --porcelain --untracked-files=no -- src/main pom.xml 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
RAW=$BENCH/results/raw/$STAMP-$COMMIT
RESULTS=$RAW/results.jsonl
mkdir -p "$RAW"
WORK=$(mktemp -d /tmp/dapr-guard-bench.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
SERVER_LOG=""
BENCH_PID=$$

log() { printf '%s [bench] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RAW/run.log" >&2; }
die() { log "ERROR: $*"; exit 1; }

stop_server() {
  local wait_s=${1:-30}
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < wait_s * 10; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server $SERVER_PID did not exit within ${wait_s}s; killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
  if [ -n "$SAMPLER_PID" ]; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
  fi
}

cleanup() {
  stop_server 10
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# 1. Tools, Java, build
# ---------------------------------------------------------------------------------------------------------------
APT_UPDATED=0
need() { # command package
  if ! command -v "$1" >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not available; install $2"
    if [ "$APT_UPDATED" = 0 ]; then
      log "updating the apt package index (apt-get update)"
      apt-get update -qq >>"$RAW/apt.log" 2>&1 || die "apt-get update failed (see $RAW/apt.log)"
      APT_UPDATED=1
    fi
    log "$1 is missing: installing $2 (apt-get install -y $2)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >>"$RAW/apt.log" 2>&1 || die "could not install $2"
  fi
}
need python3 python3
need curl curl
need wrk wrk
need h2load nghttp2-client

TEMURIN=/usr/lib/jvm/temurin-25-jdk-amd64
if [ -x "$TEMURIN/bin/java" ]; then JAVA=$TEMURIN/bin/java; else JAVA=$(command -v java) || die "no java"; fi
JAVA_BIN=$(dirname "$(readlink -f "$JAVA")")
JCMD=$JAVA_BIN/jcmd
JFR=$JAVA_BIN/jfr
JAVA_VERSION=$("$JAVA" -version 2>&1 | sed -n '2p')
JAVA_FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports_free() { # waits up to 60 s for both ports to be free
  local i
  for ((i = 0; i < 120; i++)); do
    if ! port_busy "$PORT" && ! port_busy "$MPORT"; then return 0; fi
    sleep 0.5
  done
  die "port $PORT or $MPORT is in use by another process (set BENCH_PORT / BENCH_MGMT_PORT to free ports)"
}
ports_free

log "mode=$MODE, java=$JAVA ($JAVA_VERSION), raw outputs in ${RAW#"$ROOT"/}"
log "building target/dapr-guard.jar (./mvnw -B -q package -DskipTests)"
./mvnw -B -q package -DskipTests >"$RAW/build.log" 2>&1 || die "build failed (see $RAW/build.log)"
log "building the JMH jar (./mvnw -B -q -Pbench package -> target/bench/benchmarks.jar)"
./mvnw -B -q -Pbench package >"$RAW/build-jmh.log" 2>&1 || die "JMH build failed (see $RAW/build-jmh.log)"

# Container layout (Dockerfile): extract --layers, the four layers copied into one /app directory
# (dapr-guard.jar + lib/), then the Dockerfile's AOT cache training run (below, once the JVM options are known).
"$JAVA" -Djarmode=tools -jar target/dapr-guard.jar extract --layers --destination "$WORK/layers" >/dev/null
mkdir -p "$WORK/app"
for layer in dependencies spring-boot-loader snapshot-dependencies application; do
  if [ -d "$WORK/layers/$layer" ]; then cp -a "$WORK/layers/$layer/." "$WORK/app/"; fi
done
# Spring Boot's CDS/AOT-friendly layout: extract (no launcher): dapr-guard.jar + lib/, run with java -jar.
"$JAVA" -Djarmode=tools -jar target/dapr-guard.jar extract --destination "$WORK/extracted" >/dev/null

# Machine facts for the report.
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit=$COMMIT"
  echo "uncommitted=${DIRTY:-none}"
  echo "mode=$MODE"
  echo "runs=$RUNS"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem=$(free -h | awk '/^Mem:/{print $2" total, "$7" available"}')"
  echo "kernel=$(uname -r)"
  echo "java=$JAVA"
  echo "java_version=$JAVA_VERSION"
  echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
  echo "h2load=$(h2load --version 2>&1 | head -1)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RAW/machine.txt"
free -h >"$RAW/free.txt"

# ---------------------------------------------------------------------------------------------------------------
# 2. Bodies
# ---------------------------------------------------------------------------------------------------------------
python3 "$BENCH/gen_bodies.py" "$BENCH/bodies" >"$RAW/bodies.txt"
log "bodies: $(tr '\n' ' ' <"$RAW/bodies.txt")"
body() { echo "$BENCH/bodies/$1.json"; }

# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------
QUIET_SPENT=0
wait_quiet() { # waits (at most QUIET_MAX s, QUIET_BUDGET in all) until others use less than QUIET_LIMIT cores
  local waited=0 out
  while true; do
    if [ "$QUIET_SPENT" -ge "$QUIET_BUDGET" ]; then return 0; fi
    if out=$(python3 "$LIB/cpustat.py" quiet "${SERVER_PID:-0}" "$BENCH_PID" "$QUIET_LIMIT" 1); then
      if [ "$waited" -gt 0 ]; then log "machine quiet after ${waited}s"; fi
      return 0
    fi
    if [ "$waited" = 0 ]; then log "other processes are busy ($out); waiting up to ${QUIET_MAX}s"; fi
    waited=$((waited + 1))
    QUIET_SPENT=$((QUIET_SPENT + 2))
    if [ "$QUIET_SPENT" -ge "$QUIET_BUDGET" ]; then
      log "waited ${QUIET_SPENT}s in all for a quiet machine (budget ${QUIET_BUDGET}s): no more waiting"
      return 0
    fi
    if [ "$waited" -ge "$QUIET_MAX" ]; then
      log "still busy after ${QUIET_MAX}s; measuring anyway (the phase records the foreign CPU)"
      return 0
    fi
  done
}

scrape() { curl -s --max-time 10 http://127.0.0.1:$MPORT/metrics >"$1" || : >"$1"; }

trim_server_log() { # the audit log writes a line per patched/denied review: keep the file small
  if [ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] && [ "$(stat -c %s "$SERVER_LOG")" -gt 50000000 ]; then
    : >"$SERVER_LOG"
  fi
}

now_ms() { date +%s%3N; }

# The Dockerfile's JVM options (JAVA_TOOL_OPTIONS, read from the Dockerfile; the chart sets the same list by
# default, ChartDefaultsTest checks that); the memory stage tries others.
DOCKER_JTO=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' Dockerfile | head -1)
[ -n "$DOCKER_JTO" ] || die "no JAVA_TOOL_OPTIONS in the Dockerfile"
echo "jto=$DOCKER_JTO" >>"$RAW/machine.txt"
LAUNCH_JTO=$DOCKER_JTO
# The image's environment that shapes memory (MALLOC_ARENA_MAX).
DOCKER_ENV=($(grep -oE 'MALLOC_ARENA_MAX=[^ \\]*' Dockerfile || true))
LAUNCH_ENV=(${DOCKER_ENV[@]+"${DOCKER_ENV[@]}"})

# The Dockerfile's AOT cache training run (io.daprguard.ops.AotTraining: the server sends itself every kind of review,
# then exits), with the image's options, in the container layout; the ENTRYPOINT then runs with -XX:AOTCache.
AOT_CACHE=""
AOT_JDK=0 # JDK 25+ has the AOT cache (JEP 483/514)
if [ "${JAVA_FEATURE%%.*}" -ge 25 ] 2>/dev/null; then AOT_JDK=1; fi
if [ "$AOT_JDK" = 1 ]; then
  t0=$(date +%s%N)
  # As the Dockerfile: the certificates made by a start that exits once its context is up, then the recorded run,
  # which only reads them.
  if (cd "$WORK/app" && env JAVA_TOOL_OPTIONS="$DOCKER_JTO" "$JAVA" -XX:MaxRAM=256m -Dspring.context.exit=onRefresh \
      -jar dapr-guard.jar --dapr-guard.tls.dir="$WORK/aot-training" --dapr-guard.tls.generate=true --server.port=0 \
      --management.server.port=0 >"$RAW/aot-certificates.log" 2>&1 \
      && env JAVA_TOOL_OPTIONS="$DOCKER_JTO" \
      "$JAVA" -XX:MaxRAM=256m -XX:AOTCacheOutput="$WORK/app/dapr-guard.aot" -jar dapr-guard.jar \
      --dapr-guard.aot-training=true --dapr-guard.tls.dir="$WORK/aot-training" --dapr-guard.tls.generate=false \
      --server.port=0 --management.server.port=0 --dapr-guard.shutdown.drain-period=0s \
      --dapr-guard.limits.max-concurrent-reviews=1) >"$RAW/aot-training.log" 2>&1 \
      && [ -s "$WORK/app/dapr-guard.aot" ]; then
    AOT_CACHE=$WORK/app/dapr-guard.aot
    python3 "$LIB/record.py" "$RESULTS" type=training variant=container-aot \
      seconds="$(( ($(date +%s%N) - t0) / 1000000000 ))" file_bytes="$(stat -c %s "$AOT_CACHE")" ok=0
    log "AOT cache (Dockerfile training run): $(numfmt --to=iec "$(stat -c %s "$AOT_CACHE")")"
  else
    log "the AOT cache training run failed (see $RAW/aot-training.log): the container layout runs without it"
  fi
  rm -rf "$WORK/aot-training"
fi

# launch NAME LAYOUT CERTDIR [JVM_ARGS...] -- [APP_ARGS...]
#   LAYOUT: container (the Dockerfile's, with its AOT cache when there is one), container-noaot (the same without
#   it), extracted (java -jar extracted/dapr-guard.jar), fatjar.
#   Sets SERVER_PID, SERVER_LOG, LAUNCH_NS.
launch() {
  local name=$1 layout=$2 certs=$3
  shift 3
  local jvm=() app=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  if [ $# -gt 0 ]; then shift; fi
  app=("$@")
  SERVER_LOG=$RAW/server-$name.log
  : >"$SERVER_LOG"
  local dir cmd
  case "$layout" in
    container) dir=$WORK/app; cmd=(${AOT_CACHE:+"-XX:AOTCache=$AOT_CACHE"} -jar dapr-guard.jar) ;;
    container-noaot) dir=$WORK/app; cmd=(-jar dapr-guard.jar) ;;
    extracted) dir=$WORK/extracted; cmd=(-jar dapr-guard.jar) ;;
    fatjar) dir=$WORK; cmd=(-jar "$ROOT/target/dapr-guard.jar") ;;
    *) die "unknown layout $layout" ;;
  esac
  ports_free
  LAUNCH_NS=$(date +%s%N)
  (
    cd "$dir"
    exec env JAVA_TOOL_OPTIONS="$LAUNCH_JTO" ${LAUNCH_ENV[@]+"${LAUNCH_ENV[@]}"} \
      "$JAVA" -XX:MaxRAM=256m ${jvm[@]+"${jvm[@]}"} "${cmd[@]}" \
      --dapr-guard.tls.dir="$certs" --dapr-guard.shutdown.drain-period=0s --server.http2.enabled=true \
      --server.port="$PORT" --management.server.port="$MPORT" ${app[@]+"${app[@]}"}
  ) >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
}

# started_and_ready NAME OUTJSON: after launch: first review, /readyz, Spring's Started line, RSS.
started_and_ready() {
  local name=$1 out=$2 first ready_ms="" started="" running="" i
  if ! first=$(python3 "$LIB/firstreview.py" "$LAUNCH_NS" "$SERVER_PID" "https://127.0.0.1:$PORT/mutate" \
      "$(body pod-typical)" 90); then
    log "server $name served no review: $first (log: $SERVER_LOG)"
    echo "{\"error\": \"no review served\"}" >"$out"
    return 1
  fi
  # The answer must have come from this server, not from another process on the port.
  if ! ss -ltnpH "sport = :$PORT" 2>/dev/null | grep -q "pid=$SERVER_PID,"; then
    log "port $PORT is not served by $SERVER_PID: $(ss -ltnpH "sport = :$PORT" 2>/dev/null)"
    echo "{\"error\": \"port $PORT not ours\"}" >"$out"
    return 1
  fi
  for ((i = 0; i < 600; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:$MPORT/readyz)" = 200 ]; then
      ready_ms=$(( ($(date +%s%N) - LAUNCH_NS) / 1000000 ))
      break
    fi
    sleep 0.02
  done
  for ((i = 0; i < 200; i++)); do
    started=$(grep -oE 'Started [A-Za-z]+ in [0-9.]+ seconds \(process running for [0-9.]+\)' "$SERVER_LOG" | head -1 || true)
    [ -n "$started" ] && break
    sleep 0.05
  done
  running=$(sed -nE 's/.*process running for ([0-9.]+).*/\1/p' <<<"$started")
  started=$(sed -nE 's/Started [A-Za-z]+ in ([0-9.]+) seconds.*/\1/p' <<<"$started")
  local rss
  rss=$(awk '/^VmRSS/{print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
  python3 - "$first" "${ready_ms:-null}" "${started:-null}" "${running:-null}" "$rss" >"$out" <<'EOF'
import json, sys
first = json.loads(sys.argv[1])
conv = lambda v: None if v == "null" else float(v)
first.update({"ready_ms": conv(sys.argv[2]), "spring_started_s": conv(sys.argv[3]),
              "process_running_s": conv(sys.argv[4]), "rss_kb_after_start": int(sys.argv[5])})
print(json.dumps(first))
EOF
}

# Load-tool commands. Every run is bounded in time (-D/-d or the count at a fixed rate, plus a hard timeout) and
# in count (-n, or MAX responses per wrk thread).
H2=(h2load -t1 -H 'content-type: application/json')
conc_h2() { case $1 in pod-1m*) echo "-c2 -m2" ;; pod-100k*) echo "-c2 -m4" ;; *) echo "-c4 -m8" ;; esac; }
conc_h1() { case $1 in pod-1m*) echo 4 ;; pod-100k*) echo 8 ;; *) echo 32 ;; esac; }

run_saturation() { # BODY PATH PROTO SECONDS OUT LOG
  local b=$1 path=$2 proto=$3 secs=$4 out=$5 lg=$6
  if [ "$proto" = h2 ]; then
    # shellcheck disable=SC2046
    timeout $((secs + 60)) "${H2[@]}" $(conc_h2 "$b") -D "$secs" -d "$(body "$b")" --log-file="$lg" \
      "https://127.0.0.1:$PORT$path" >"$out" 2>&1 || true
  else
    BODY=$(body "$b") MAX=$((secs * 50000)) timeout $((secs + 60)) wrk -t1 -c"$(conc_h1 "$b")" -d"${secs}s" \
      --timeout 10s -s "$LIB/wrk-post.lua" "https://127.0.0.1:$PORT$path" >"$out" 2>&1 || true
  fi
}

run_rate() { # BODY PATH PROTO RATE SECONDS OUT LOG ARRIVALS SEED
  local b=$1 path=$2 proto=$3 rate=$4 secs=$5 out=$6 lg=$7 arrivals=$8 seed=${9:-1} n
  n=$((rate * secs))
  if [ "$arrivals" = poisson ]; then
    # 10 keep-alive connections, one h2load process each, every one a Poisson process of rate/10 per second
    # (bench/lib/arrivals.py): together a Poisson stream of `rate` reviews/s from independent clients. HTTP/1.1:
    # one request at a time per connection, as the kube-apiserver calls a Service-backed webhook; HTTP/2: up
    # to 32 streams per connection. A request is sent at its scripted time unless its connection is busy.
    local i pids=() script=$WORK/arrivals-$$ h
    python3 "$LIB/arrivals.py" "$rate" 10 "$secs" "$seed" "https://127.0.0.1:$PORT$path" "$script" >/dev/null
    if [ "$proto" = h2 ]; then h=(-m32); else h=(--h1 -m1); fi
    for ((i = 0; i < 10; i++)); do
      timeout $((secs + 60)) "${H2[@]}" -c1 "${h[@]}" -d "$(body "$b")" --timing-script-file="$script-$i.txt" \
        --log-file="$lg.$i" "https://127.0.0.1:$PORT$path" >"$out.$i" 2>&1 &
      pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    cat "$out".[0-9] >"$out"
    if [ "$lg" != /dev/null ]; then cat "$lg".[0-9] >"$lg"; fi
    rm -f "$out".[0-9] "$lg".[0-9] "$script"-*.txt
  elif [ "$proto" = h2 ]; then
    # Bursts: h2load --rps runs one timer per connection, and the 10 connections of one h2load thread fire
    # together: 10 reviews at once, 100 times a second (at 1 000/s). Shown beside the Poisson runs.
    timeout $((secs + 60)) "${H2[@]}" -c10 -m32 --rps=$((rate / 10)) -n "$n" -d "$(body "$b")" \
      --log-file="$lg" "https://127.0.0.1:$PORT$path" >"$out" 2>&1 || true
  else
    # HTTP/1.1 bursts: dapr-guard closes a keep-alive connection after 1000 requests (server.tomcat.
    # max-keep-alive-requests) and h2load --rps does not resume after reconnecting, so each connection sends at
    # most 1000: the per-connection rate is the largest divisor of the rate (at most 100/s) that keeps it so.
    local per=1 d
    for ((d = 1; d <= rate && d <= 100; d++)); do
      if ((rate % d == 0 && d * secs <= 1000)); then per=$d; fi
    done
    timeout $((secs + 60)) "${H2[@]}" --h1 -c$((rate / per)) -m1 --rps="$per" -n "$n" -d "$(body "$b")" \
      --log-file="$lg" "https://127.0.0.1:$PORT$path" >"$out" 2>&1 || true
  fi
}

run_unloaded() { # BODY PATH N OUT LOG PROTO
  # HTTP/1.1: at most 990 requests, all on one keep-alive connection (dapr-guard closes it after 1 000).
  local n=$3 h=()
  if [ "${6:-h2}" = h1 ]; then h=(--h1); n=$((n > 990 ? 990 : n)); fi
  timeout 300 "${H2[@]}" ${h[@]+"${h[@]}"} -c1 -m1 -n "$n" -d "$(body "$1")" --log-file="$5" \
    "https://127.0.0.1:$PORT$2" >"$4" 2>&1 || true
}

webhook_of() { case $1 in /mutate) echo mutate ;; *) echo validate ;; esac; }

# phase KIND BODY PATH PROTO RUN [RATE]: warm-up, then the measured run between two scrapes and CPU snapshots.
phase() {
  local kind=$1 b=$2 path=$3 proto=$4 run=$5 rate=${6:-0} arrivals=${7:-}
  local id="$kind-$b-$(webhook_of "$path")-$proto${rate:+-$rate}${arrivals:+-$arrivals}-r$run"
  id=${id//-0-r/-r}
  local f=$RAW/$id
  wait_quiet
  case $kind in
    saturation) run_saturation "$b" "$path" "$proto" "$WARM" "$f.warm.txt" /dev/null ;;
    rate) run_rate "$b" "$path" "$proto" "$rate" "$RATE_WARM" "$f.warm.txt" /dev/null "$arrivals" $((run * 100)) ;;
    unloaded) run_unloaded "$b" "$path" "$(unloaded_n "$b" 2)" "$f.warm.txt" /dev/null "$proto" ;;
  esac
  local t0 t1 since=()
  if [ "$kind" = rate ]; then
    # The rate run opens its connections (up to 200 TLS handshakes for HTTP/1.1) at its start: it runs
    # RATE_SKIP s longer, and both the client statistics and the server scrape start RATE_SKIP s in.
    run_rate "$b" "$path" "$proto" "$rate" $((RATE_MEASURE + RATE_SKIP)) "$f.txt" "$f.log" "$arrivals" "$run" &
    local tool_pid=$!
    sleep "$RATE_SKIP"
    since=(--since-us "$(date +%s%6N)")
    scrape "$f.before.prom"
    python3 "$LIB/cpustat.py" snap "$f.cpu0.json"
    t0=$(now_ms)
    wait "$tool_pid" || true
  else
    scrape "$f.before.prom"
    python3 "$LIB/cpustat.py" snap "$f.cpu0.json"
    t0=$(now_ms)
    case $kind in
      saturation) run_saturation "$b" "$path" "$proto" "$MEASURE" "$f.txt" "$f.log" ;;
      unloaded) run_unloaded "$b" "$path" "$(unloaded_n "$b" 1)" "$f.txt" "$f.log" "$proto" ;;
    esac
  fi
  t1=$(now_ms)
  python3 "$LIB/cpustat.py" snap "$f.cpu1.json"
  scrape "$f.after.prom"
  python3 "$LIB/promhist.py" "$f.before.prom" "$f.after.prom" --webhook "$(webhook_of "$path")" >"$f.server.json"
  python3 "$LIB/cpustat.py" diff "$f.cpu0.json" "$f.cpu1.json" "$SERVER_PID" "$BENCH_PID" >"$f.cpu.json"
  if [ "$kind" = saturation ] && [ "$proto" = h1 ]; then
    python3 "$LIB/wrkjson.py" "$f.txt" >"$f.tool.json"
  else
    # h2load --h1 cannot read Tomcat's status line (no reason phrase): the server's counters say what happened.
    python3 "$LIB/latency.py" "$f.txt" "$f.log" $([ "$proto" = h1 ] && echo --h1) ${since[@]+"${since[@]}"} \
      >"$f.tool.json"
  fi
  python3 "$LIB/record.py" "$RESULTS" type="$kind" body="$b" bytes="$(stat -c %s "$(body "$b")")" \
    endpoint="$path" proto="$proto" run="$run" rate="$rate" arrivals="$arrivals" t0_ms="$t0" t1_ms="$t1" \
    tool=@"$f.tool.json" server=@"$f.server.json" cpu=@"$f.cpu.json"
  rm -f "$f.log" "$f.before.prom" "$f.cpu0.json" "$f.cpu1.json"
  trim_server_log
  log "$id: $(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2])); c=json.load(open(sys.argv[3])); print("rps=%s p50=%s p99=%s | server n=%s p99<=%s %s | cpu server=%s foreign=%s" % (t.get("tool_rps"), t.get("p50_ms"), t.get("p99_ms"), s.get("count"), s.get("p99_le_ms"), s.get("results"), c.get("server_cores"), c.get("foreign_cores")))' "$f.tool.json" "$f.server.json" "$f.cpu.json")"
}

unloaded_n() { # BODY DIVISOR
  case $1 in
    pod-1m*) echo $((UNLOADED_1M / $2)) ;;
    pod-100k*) echo $((UNLOADED_100K / $2)) ;;
    *) echo $((UNLOADED_SMALL / $2)) ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------------
# 3. JMH
# ---------------------------------------------------------------------------------------------------------------
JMH_JVM="-XX:+UseParallelGC -XX:NewRatio=1 -Xms80m -Xmx80m -Ddaprguard.bench.bodies=$BENCH/bodies"
if ! skip jmh; then
log "JMH: ${JMH_ARGS[*]} (one thread: scores are per core)"
wait_quiet
python3 "$LIB/cpustat.py" snap "$WORK/jmh-cpu0.json"
# Forks get the container's GC and heap (ParallelGC, 80 MiB); -jvmArgsAppend here replaces the annotations' one.
"$JAVA" -jar target/bench/benchmarks.jar "${JMH_ARGS[@]}" -t 1 \
  -prof gc -jvmArgsAppend "$JMH_JVM" -rf json -rff "$RAW/jmh.json" \
  'io.daprguard.bench.*' >"$RAW/jmh.txt" 2>&1 || log "JMH failed (see $RAW/jmh.txt)"
python3 "$LIB/cpustat.py" snap "$WORK/jmh-cpu1.json"
python3 "$LIB/cpustat.py" diff "$WORK/jmh-cpu0.json" "$WORK/jmh-cpu1.json" 0 "$BENCH_PID" >"$RAW/jmh-cpu.json"
log "JMH done: $(grep -cE 'thrpt' "$RAW/jmh.txt" || true) result lines; CPU: $(cat "$RAW/jmh-cpu.json")"
fi

# ---------------------------------------------------------------------------------------------------------------
# 4. The server, as the container runs it
# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$WORK/certs-ready"
if ! skip load; then
wait_quiet
mkdir -p "$WORK/certs-main"
launch main container "$WORK/certs-main" --
python3 "$LIB/rss_sampler.py" "$SERVER_PID" "$RAW/rss.log" 0.1 &
SAMPLER_PID=$!
started_and_ready main "$RAW/startup-main.json" || die "the server did not start (see $SERVER_LOG)"
python3 "$LIB/record.py" "$RESULTS" type=startup variant=container-gen trial=main result=@"$RAW/startup-main.json"
cp "$SERVER_LOG" "$RAW/server-main-startup.log"
log "server up: $(cat "$RAW/startup-main.json")"
awk '/^VmRSS|^VmHWM/{printf "%s %s kB; ", $1, $2}' "/proc/$SERVER_PID/status" >"$RAW/rss-idle.txt"

# One long warm-up over every endpoint and body, so that C2 has compiled the hot paths before any phase.
log "global warm-up: ${GLOBAL_WARM}s per endpoint"
run_saturation pod-typical /mutate h2 "$GLOBAL_WARM" "$RAW/global-warm-1.txt" /dev/null
run_saturation pod-typical-admitted /validate h2 "$GLOBAL_WARM" "$RAW/global-warm-2.txt" /dev/null
run_saturation pod-typical /mutate h1 $((GLOBAL_WARM / 2)) "$RAW/global-warm-3.txt" /dev/null
run_saturation pod-typical-admitted /validate h1 $((GLOBAL_WARM / 2)) "$RAW/global-warm-4.txt" /dev/null
trim_server_log

# ---------------------------------------------------------------------------------------------------------------
# 5. Load phases
# ---------------------------------------------------------------------------------------------------------------
SAT_CELLS=(
  "pod-typical /mutate h2" "pod-typical /mutate h1"
  "pod-typical-admitted /validate h2" "pod-typical-admitted /validate h1"
  "pod-defaults /mutate h2" "pod-defaults /mutate h1"
  "pod-denied /validate h2" "pod-denied /validate h1"
  "pod-nondapr /mutate h2" "pod-nondapr /mutate h1"
  "pod-nondapr /validate h2" "pod-nondapr /validate h1"
  "pod-10k /mutate h2" "pod-10k-admitted /validate h2"
  "pod-100k /mutate h2" "pod-100k /mutate h1"
  "pod-100k-admitted /validate h2" "pod-100k-admitted /validate h1"
  "pod-1m /mutate h2" "pod-1m /mutate h1"
  "pod-1m-admitted /validate h2" "pod-1m-admitted /validate h1"
)
# Fixed rates: Poisson arrivals over 10 connections for every cell; the h2load --rps bursts (10 at once) for
# the HTTP/1.1 cells at 1 000/s, beside them.
RATE_CELLS=(
  "pod-typical /mutate h2 poisson" "pod-typical /mutate h1 poisson"
  "pod-typical-admitted /validate h2 poisson" "pod-typical-admitted /validate h1 poisson"
)
BURST_CELLS=("pod-typical /mutate h1 burst" "pod-typical-admitted /validate h1 burst")
UNLOADED_CELLS=(
  "pod-typical /mutate" "pod-typical-admitted /validate"
  "pod-100k /mutate" "pod-100k-admitted /validate"
  "pod-1m /mutate" "pod-1m-admitted /validate"
)
large() { [[ $1 == pod-100k* || $1 == pod-1m* ]]; }
# Within a run, typical-size bodies first and the 100 KB / 1 MB ones last: the heap a 1 MB pod touches stays
# resident, so run 1's first half shows the memory of typical traffic alone.
for ((run = 1; run <= RUNS; run++)); do
  log "=== run $run/$RUNS"
  for pass in small large; do
    for cell in "${SAT_CELLS[@]}"; do
      read -r b path proto <<<"$cell"
      if { [ "$pass" = large ] && large "$b"; } || { [ "$pass" = small ] && ! large "$b"; }; then
        phase saturation "$b" "$path" "$proto" "$run"
      fi
    done
    if [ "$pass" = small ]; then
      for rate in 500 1000; do
        for cell in "${RATE_CELLS[@]}"; do
          read -r b path proto arrivals <<<"$cell"
          phase rate "$b" "$path" "$proto" "$run" "$rate" "$arrivals"
        done
      done
      for cell in "${BURST_CELLS[@]}"; do
        read -r b path proto arrivals <<<"$cell"
        phase rate "$b" "$path" "$proto" "$run" 1000 "$arrivals"
      done
    fi
    for cell in "${UNLOADED_CELLS[@]}"; do
      read -r b path <<<"$cell"
      if { [ "$pass" = large ] && large "$b"; } || { [ "$pass" = small ] && ! large "$b"; }; then
        phase unloaded "$b" "$path" h1 "$run"
        phase unloaded "$b" "$path" h2 "$run"
      fi
    done
    if [ "$run" = 1 ] && [ "$pass" = small ]; then
      python3 "$LIB/record.py" "$RESULTS" type=memory-small \
        vmhwm_kb="$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status")" \
        vmrss_kb="$(awk '/^VmRSS/{print $2}' "/proc/$SERVER_PID/status")"
    fi
  done
done
awk '/^VmRSS|^VmHWM/{printf "%s %s kB; ", $1, $2}' "/proc/$SERVER_PID/status" >"$RAW/rss-end.txt"
"$JCMD" "$SERVER_PID" GC.heap_info >"$RAW/heap-end.txt" 2>&1 || true
python3 "$LIB/record.py" "$RESULTS" type=memory vmhwm_kb="$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status")" \
  vmrss_kb="$(awk '/^VmRSS/{print $2}' "/proc/$SERVER_PID/status")"
stop_server 30
log "load phases done; peak RSS $(cat "$RAW/rss-end.txt")"
cp "$WORK/certs-main/"* "$WORK/certs-ready/"
fi

# ---------------------------------------------------------------------------------------------------------------
# 6. Start-up experiments (time to first served review; each trial a fresh process, certificates present)
# ---------------------------------------------------------------------------------------------------------------
if [ ! -f "$WORK/certs-ready/tls.crt" ]; then # load stage skipped: let one start generate them
  launch certs container "$WORK/certs-ready" --
  started_and_ready certs "$WORK/certs.json" || die "server did not start (see $SERVER_LOG)"
  stop_server 30
fi

training_load() { # exercises the request paths so that the training run loads and profiles them
  local b path
  for cell in "pod-typical /mutate" "pod-typical-admitted /validate" "pod-defaults /mutate" "pod-denied /validate" \
      "pod-nondapr /mutate" "pod-100k /mutate"; do
    read -r b path <<<"$cell"
    timeout 120 "${H2[@]}" -c2 -m4 -n 2000 -d "$(body "$b")" "https://127.0.0.1:$PORT$path" >/dev/null 2>&1 || true
    BODY=$(body "$b") MAX=500 timeout 60 wrk -t1 -c2 -d2s -s "$LIB/wrk-post.lua" "https://127.0.0.1:$PORT$path" \
      >/dev/null 2>&1 || true
  done
  curl -s -o /dev/null http://127.0.0.1:$MPORT/metrics || true
  curl -s -o /dev/null http://127.0.0.1:$MPORT/readyz || true
}

# train NAME LAYOUT OUTFILE JVM_ARGS... [-- APP_ARGS...]: a training run; records its duration and the file size.
train() {
  local name=$1 layout=$2 file=$3
  shift 3
  rm -f "$file"
  wait_quiet
  local t0 rc=0
  t0=$(now_ms)
  launch "train-$name" "$layout" "$WORK/certs-ready" "$@"
  if started_and_ready "train-$name" "$RAW/train-$name.json"; then training_load; else rc=1; fi
  stop_server 300
  local secs size=0
  secs=$(( ($(now_ms) - t0) / 1000 ))
  if [ -f "$file" ]; then size=$(stat -c %s "$file"); fi
  python3 "$LIB/record.py" "$RESULTS" type=training variant="$name" seconds="$secs" file_bytes="$size" ok="$rc"
  if [ "$size" = 0 ]; then
    log "training $name produced no $file (see $RAW/server-train-$name.log)"
    return 1
  fi
  log "training $name: ${secs}s, $(numfmt --to=iec "$size") written"
}

# trial NAME T LAYOUT CERTS JVM_ARGS... [-- APP_ARGS...]: start-up trial number T of one variant.
trial() {
  local name=$1 t=$2 layout=$3 certs=$4
  shift 4
  if [ "$certs" = fresh ]; then
    rm -rf "$WORK/certs-fresh"
    mkdir -p "$WORK/certs-fresh"
    certdir=$WORK/certs-fresh
  else
    certdir=$WORK/certs-ready
  fi
  wait_quiet
  launch "start-$name-$t" "$layout" "$certdir" "$@"
  local ok=1
  started_and_ready "start-$name-$t" "$RAW/start-$name-$t.json" || ok=0
  # Is it a working server? One review of each kind must come back as expected.
  local check=ok
  if [ "$ok" = 1 ]; then
    curl -sk --max-time 10 -H 'Content-Type: application/json' --data-binary @"$(body pod-denied)" \
      https://127.0.0.1:$PORT/validate | grep -q '"allowed":false' || check="validate-failed"
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$MPORT/metrics)" = 200 ] \
      || check="$check,metrics-failed"
  else
    check=not-started
  fi
  python3 "$LIB/record.py" "$RESULTS" type=startup variant="$name" trial="$t" check="$check" \
    result=@"$RAW/start-$name-$t.json"
  log "start-up $name #$t: $(cat "$RAW/start-$name-$t.json") check=$check"
  stop_server 60
  if [ "$t" -gt 1 ]; then rm -f "$RAW/server-start-$name-$t.log"; fi
}

if ! skip startup; then
# Each variant, words split on spaces: NAME LAYOUT CERTS JVM_ARGS... -- APP_ARGS... Trials go round the variants
# (trial 1 of each, then trial 2 of each...), so a machine that speeds up or slows down over the minutes this takes
# (a shared VM does) weighs on every variant alike; the report gives medians.
VARIANTS=(
  "container-gen container fresh --"
  "container container ready --"
  "container-noaot container-noaot ready --"
  "fatjar fatjar ready --"
  "container-noaot-lazy container-noaot ready -- --spring.main.lazy-initialization=true"
)
log "start-up experiments: training the archives of the AppCDS and reviews-trained AOT variants"
if train appcds extracted "$WORK/app.jsa" "-XX:ArchiveClassesAtExit=$WORK/app.jsa" --; then
  VARIANTS+=("extracted-appcds extracted ready -XX:SharedArchiveFile=$WORK/app.jsa --")
fi
if [ "$AOT_JDK" = 1 ]; then
  # The image's cache is trained on start-up alone; this one also on ~12 000 reviews (profiles, more classes).
  if train aot-reviews extracted "$WORK/app.aot" "-XX:AOTCacheOutput=$WORK/app.aot" --; then
    VARIANTS+=("extracted-aot-reviews extracted ready -XX:AOTCache=$WORK/app.aot --")
  fi
else
  log "java $JAVA_FEATURE has no AOT cache (JDK 25+): skipping those variants"
fi
log "start-up experiments: $START_TRIALS trial(s) of each of ${#VARIANTS[@]} variants, round robin"
for ((t = 1; t <= START_TRIALS; t++)); do
  for variant in "${VARIANTS[@]}"; do
    read -r -a words <<<"$variant"
    trial "${words[0]}" "$t" "${words[@]:1}"
  done
done
fi

# ---------------------------------------------------------------------------------------------------------------
# 6b. Memory settings (measured only): peak RSS and throughput with other settings than the Dockerfile's
# ---------------------------------------------------------------------------------------------------------------
memory_variant() { # NAME JAVA_TOOL_OPTIONS [ENV...]
  local name=$1
  LAUNCH_JTO=$2
  shift 2
  LAUNCH_ENV=(${DOCKER_ENV[@]+"${DOCKER_ENV[@]}"} "$@")
  wait_quiet
  launch "mem-$name" container "$WORK/certs-ready" --
  if started_and_ready "mem-$name" "$RAW/mem-$name-start.json"; then
    local out=$RAW/mem-$name
    run_saturation pod-typical /mutate h2 "$GLOBAL_WARM" /dev/null /dev/null
    run_saturation pod-typical /mutate h2 "$MEASURE" "$out-typical.txt" /dev/null
    local hwm_small alive
    hwm_small=$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    run_saturation pod-1m /mutate h2 "$MEASURE" "$out-1m.txt" /dev/null
    alive=yes; kill -0 "$SERVER_PID" 2>/dev/null || alive=no
    python3 "$LIB/record.py" "$RESULTS" type=memory-variant variant="$name" jto="$LAUNCH_JTO" env="$*" \
      typical=@<(python3 "$LIB/latency.py" "$out-typical.txt") big=@<(python3 "$LIB/latency.py" "$out-1m.txt") \
      hwm_typical_kb="$hwm_small" hwm_kb="$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)" \
      alive="$alive" heap="$("$JCMD" "$SERVER_PID" GC.heap_info 2>/dev/null | awk '/total/{print $1, $3}' | tr '\n' ' ')"
    log "memory $name: $(tail -1 "$RESULTS" | cut -c1-300)"
  fi
  stop_server 30
  LAUNCH_JTO=$DOCKER_JTO
  LAUNCH_ENV=(${DOCKER_ENV[@]+"${DOCKER_ENV[@]}"})
}
if ! skip memory; then
  log "memory settings (measured only)"
  memory_variant heap20 "${DOCKER_JTO//Percentage=25/Percentage=20}"
  memory_variant heap30 "${DOCKER_JTO//Percentage=25/Percentage=30}"
  memory_variant no-memlimit "${DOCKER_JTO/ -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,\*.\*,12m~stop/}"
fi

# ---------------------------------------------------------------------------------------------------------------
# 7. Profiles: JFR during saturation, NMT, and JFR of the engine under JMH
# ---------------------------------------------------------------------------------------------------------------
if ! skip profile; then
log "profiling (JFR + NMT)"
wait_quiet
launch profile container "$WORK/certs-ready" -XX:NativeMemoryTracking=summary "-Xlog:gc:file=$RAW/profile-gc.log" --
started_and_ready profile "$RAW/profile-start.json" || die "profiling server did not start"
run_saturation pod-typical /mutate h2 "$GLOBAL_WARM" /dev/null /dev/null
profile_run() { # NAME BODY PATH
  wait_quiet
  "$JCMD" "$SERVER_PID" JFR.start name="$1" settings=profile filename="$RAW/profile-$1.jfr" >/dev/null 2>&1 || true
  run_saturation "$2" "$3" h2 "$PROFILE_SECONDS" "$RAW/profile-$1.txt" /dev/null
  "$JCMD" "$SERVER_PID" JFR.stop name="$1" >/dev/null 2>&1 || true
  if [ -s "$RAW/profile-$1.jfr" ]; then
    python3 "$LIB/jfrtop.py" "$RAW/profile-$1.jfr" "$JFR" >"$RAW/profile-$1.md" 2>&1 || true
  fi
  trim_server_log
}
profile_run typical-mutate pod-typical /mutate
run_saturation pod-typical-admitted /validate h2 "$WARM" /dev/null /dev/null
profile_run typical-validate pod-typical-admitted /validate
run_saturation pod-1m /mutate h2 "$WARM" /dev/null /dev/null
profile_run 1m-mutate pod-1m /mutate
"$JCMD" "$SERVER_PID" VM.native_memory summary >"$RAW/nmt.txt" 2>&1 || true
"$JCMD" "$SERVER_PID" GC.heap_info >"$RAW/profile-heap.txt" 2>&1 || true
awk '/^VmRSS|^VmHWM|^RssAnon|^RssFile/{printf "%s %s kB; ", $1, $2}' "/proc/$SERVER_PID/status" >"$RAW/profile-rss.txt"
stop_server 30

log "profiling the engine under JMH (PolicyEngineBench, JFR)"
wait_quiet
"$JAVA" -jar target/bench/benchmarks.jar -f 1 -wi 8 -w 1s -i 5 -r 1s -t 1 -p body=pod-typical -p webhook=MUTATE \
  -jvmArgsAppend "$JMH_JVM" -prof "jfr:dir=$WORK/jmh-jfr;configName=profile" \
  io.daprguard.bench.PolicyEngineBench >"$RAW/jmh-profile.txt" 2>&1 || true
jmh_jfr=$(find "$WORK/jmh-jfr" -name '*.jfr' 2>/dev/null | head -1 || true)
if [ -n "$jmh_jfr" ]; then
  cp "$jmh_jfr" "$RAW/profile-engine-mutate.jfr"
  python3 "$LIB/jfrtop.py" "$RAW/profile-engine-mutate.jfr" "$JFR" >"$RAW/profile-engine-mutate.md" 2>&1 || true
fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 8. Report
# ---------------------------------------------------------------------------------------------------------------
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/machine.txt"
OUT=$BENCH/results/$DATE-$COMMIT.md
python3 "$LIB/report.py" "$RAW" "${RAW#"$BENCH"/}" >"$OUT"
cp "$OUT" "$BENCH/results/latest.md"
log "report: ${OUT#"$ROOT"/} (and bench/results/latest.md)"
