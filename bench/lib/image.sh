# Sourced by bench/burst.sh, bench/audit.sh and bench/rightsizing.sh: dapr-guard started exactly as the image and the
# chart run it. The caller sets JAVA, JAVA_FEATURE, WORK, RAW, PORT, MPORT and a log function.
#
#   image_prepare JAR DOCKERFILE   the Dockerfile's layers (extract --layers) in $WORK/app, the application jar named
#                                  dapr-guard.jar as in the image; its JAVA_TOOL_OPTIONS (JTO) and SPRING_*/MALLOC_*
#                                  environment (SPRING_ENV); its AOT cache training run on JDK 25+ (AOT), as that
#                                  Dockerfile trains it (reviews the server sends itself, or an older context start)
#   image_start SERVER_LOG GC_LOG [ARG...]
#                                  starts it from $WORK/app with -XX:MaxRAM=$IMAGE_MAX_RAM (default 256m, the
#                                  chart's memory limit), the certificates in $WORK/certs, drain period IMAGE_DRAIN
#                                  (default 0 s) and the given application arguments; IMAGE_JVM_EXTRA (an array) adds JVM options and
#                                  IMAGE_ENV (an array) environment variables; IMAGE_RSS_FILE set: VmRSS/VmHWM every
#                                  100 ms from the start into it (SAMPLER_PID). Sets SERVER_PID; returns once /readyz
#                                  answers (exits after 60 s or if the process dies)
#                                  IMAGE_CGROUP set: started inside that cgroup (a real memory limit); with
#                                  IMAGE_DROP_CACHES=1 the page cache is dropped first (root), so that the file pages
#                                  it maps are charged to that cgroup, as in a new pod
#   image_launch SERVER_LOG GC_LOG [ARG...]
#                                  the same, returning at once (a fresh replica's first review is timed from here)
#   await_port PORT SECONDS        waits until something listens on 127.0.0.1:PORT

IMAGE_MAX_RAM=${IMAGE_MAX_RAM:-256m}
IMAGE_DRAIN=${IMAGE_DRAIN:-0s}
# A cgroup (v1 memory controller directory, or v2 directory) the server is started in, so that a real memory limit
# applies as in the container: e.g. mkdir /sys/fs/cgroup/memory/dapr-guard && echo 256M >.../memory.limit_in_bytes.
IMAGE_CGROUP=${IMAGE_CGROUP:-}
IMAGE_JVM_EXTRA=()
IMAGE_ENV=()
IMAGE_RSS_FILE=

image_prepare() {
  local jar=$1 dockerfile=$2 layer
  JTO=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$dockerfile" | head -1)
  [ -n "$JTO" ] || { echo "no JAVA_TOOL_OPTIONS in $dockerfile" >&2; exit 1; }
  # Spring and malloc settings the image sets in its environment (older images set SPRING_THREADS_VIRTUAL_ENABLED),
  # and DAPR_GUARD_TLS_GENERATE=false: the server reads the certificates it is given, as from the chart's Secret.
  SPRING_ENV=($(grep -oE '(SPRING_[A-Z_]*|MALLOC_ARENA_MAX|DAPR_GUARD_TLS_GENERATE)=[^ \\]*' "$dockerfile" || true))
  echo "jto=$JTO ${SPRING_ENV[*]}" >>"$RAW/machine.txt"
  mkdir -p "$WORK/app"
  "$JAVA" -Djarmode=tools -jar "$jar" extract --layers --destination "$WORK/layers" >/dev/null
  for layer in dependencies spring-boot-loader snapshot-dependencies application; do
    [ -d "$WORK/layers/$layer" ] && cp -r "$WORK/layers/$layer/." "$WORK/app/"
  done
  # the extracted launcher jar takes the name of the jar given; the image runs it as dapr-guard.jar
  [ "$(basename "$jar")" = dapr-guard.jar ] || mv "$WORK/app/$(basename "$jar")" "$WORK/app/dapr-guard.jar"
  # The certificates every start reads ($WORK/certs, as the chart mounts its Secret), made by a start that exits
  # once its context is up.
  if [ ! -s "$WORK/certs/tls.crt" ]; then
    (cd "$WORK/app" && env JAVA_TOOL_OPTIONS="$JTO" "$JAVA" -XX:MaxRAM="$IMAGE_MAX_RAM" -Dspring.context.exit=onRefresh \
      -jar dapr-guard.jar --dapr-guard.tls.dir="$WORK/certs" --dapr-guard.tls.generate=true --server.port=0 \
      --management.server.port=0) >"$RAW/certificates.log" 2>&1 || { echo "certificates: see $RAW/certificates.log" >&2; exit 1; }
  fi
  AOT=()
  if [ "${JAVA_FEATURE%%.*}" -ge 25 ] 2>/dev/null; then
    # The Dockerfile's training run: since the review-path training, the server sends itself reviews and exits
    # (io.daprguard.ops.AotTraining); an older Dockerfile (a base commit) only started the context.
    local train_jvm=(-Dspring.context.exit=onRefresh) train_args=(--server.port="$PORT" --management.server.port="$MPORT")
    if grep -q -- '--dapr-guard.aot-training=true' "$dockerfile"; then
      train_jvm=()
      train_args=(--dapr-guard.aot-training=true --dapr-guard.tls.generate=true --server.port=0
        --management.server.port=0 --dapr-guard.shutdown.drain-period=0s --dapr-guard.limits.max-concurrent-reviews=1)
    fi
    if grep -q -- '--dapr-guard.tls.generate=false --server.port=0' "$dockerfile"; then
      # since the first-review work: the recorded run only reads certificates made before (here the ones above)
      train_args=("${train_args[@]/--dapr-guard.tls.generate=true/--dapr-guard.tls.generate=false}")
      mkdir -p "$WORK/aot-training" && cp "$WORK/certs/"* "$WORK/aot-training/"
    fi
    echo "aot_training=${train_jvm[*]} ${train_args[*]}" >>"$RAW/machine.txt"
    local started; started=$(date +%s%3N)
    (cd "$WORK/app" && env JAVA_TOOL_OPTIONS="$JTO" ${SPRING_ENV[@]+"${SPRING_ENV[@]}"} "$JAVA" \
      -XX:MaxRAM="$IMAGE_MAX_RAM" -XX:AOTCacheOutput="$WORK/app/dapr-guard.aot" ${train_jvm[@]+"${train_jvm[@]}"} \
      -jar dapr-guard.jar --dapr-guard.tls.dir="$WORK/aot-training" "${train_args[@]}") >"$RAW/aot-training.log" 2>&1 \
      && [ -s "$WORK/app/dapr-guard.aot" ] && AOT=(-XX:AOTCache="$WORK/app/dapr-guard.aot")
    echo "aot_training_ms=$(($(date +%s%3N) - started)) aot_cache_bytes=$(stat -c %s "$WORK/app/dapr-guard.aot" 2>/dev/null || echo 0)" >>"$RAW/machine.txt"
  fi
  return 0
}

image_start() {
  image_launch "$@"
  image_await_ready "$1"
}

# image_launch SERVER_LOG GC_LOG [ARG...]: as image_start, without waiting for readiness (sets SERVER_PID).
image_launch() {
  local server_log=$1 gc_log=$2; shift 2
  if [ -n "$IMAGE_CGROUP" ] && [ "${IMAGE_DROP_CACHES:-0}" = 1 ]; then
    # the jars' and AOT cache's pages are then read again by the server, and charged to its cgroup (as in a new pod)
    sync && echo 1 >/proc/sys/vm/drop_caches
  fi
  (cd "$WORK/app" && { [ -z "$IMAGE_CGROUP" ] || echo "$BASHPID" >"$IMAGE_CGROUP/cgroup.procs"; } \
    && exec env JAVA_TOOL_OPTIONS="$JTO" ${SPRING_ENV[@]+"${SPRING_ENV[@]}"} \
    ${IMAGE_ENV[@]+"${IMAGE_ENV[@]}"} "$JAVA" -XX:MaxRAM="$IMAGE_MAX_RAM" ${AOT[@]+"${AOT[@]}"} \
    ${IMAGE_JVM_EXTRA[@]+"${IMAGE_JVM_EXTRA[@]}"} -Xlog:gc:file="$gc_log":timemillis -jar dapr-guard.jar \
    --dapr-guard.tls.dir="$WORK/certs" --server.port="$PORT" --management.server.port="$MPORT" \
    --dapr-guard.shutdown.drain-period="$IMAGE_DRAIN" "$@") >"$server_log" 2>&1 &
  SERVER_PID=$!
  if [ -n "$IMAGE_RSS_FILE" ]; then
    python3 bench/lib/rss_sampler.py "$SERVER_PID" "$IMAGE_RSS_FILE" 0.1 &
    SAMPLER_PID=$!
  fi
}

image_await_ready() {
  local server_log=$1
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$MPORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "dapr-guard exited during start-up"; tail -20 "$server_log" >&2; exit 1; }
    sleep 0.1
  done
  log "dapr-guard not ready after 60 s"
  exit 1
}

await_port() {
  for _ in $(seq 1 $(($2 * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
