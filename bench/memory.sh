#!/usr/bin/env bash
# dapr-guard memory comparison: peak resident and anonymous memory of JVM settings, in one sitting, alternated.
#
# Usage: bench/memory.sh [ROUNDS]     (default 2 rounds; about 4 minutes on 2 cores)
#
# Starts the server as the image runs it (bench/lib/image.sh: the Dockerfile's layers, JAVA_TOOL_OPTIONS and AOT
# cache), once per variant and round: 15 s of 256 connections on /mutate (typical pod), then 10 s of 64 on /validate.
# For each: the peak VmRSS and the peak RssAnon (the anonymous part, which a container's memory limit cannot
# reclaim; RSS also counts the jars' and the AOT cache's file pages), the throughput and p99 of both loads, and
# /proc/PID/smaps_rollup at the end. Variants (the image's options, then what each adds):
#   image320   -XX:MaxRAM=320m: the chart's limit (heap 25 %: 80 MiB)
#   reloc1     320m with the AOT cache relocated at a random address (the JVM's default)
#   m256-p31   -XX:MaxRAM=256m with a 31 % heap (79 MiB): a 256Mi chart keeping the heap
#   m256-p25   256m with the image's 25 % (64 MiB)
# IMAGE_CGROUP (bench/lib/image.sh) puts a real limit on it; this script emulates it with -XX:MaxRAM only.
# Writes bench/results/raw/memory-<stamp>-<commit>/summary.txt. Needs python3, curl, ports 18943/18990 free.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/lib/common.sh"
ROUNDS=${1:-2}
MODE=memory
bench_init memory
trap 'kill ${SERVER_PID:-} ${SAMPLER_PID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=18943 MPORT=18990
ports_free "(fixed ports)" "$PORT" "$MPORT"
bench_build ""
machine_info "rounds=$ROUNDS"
source bench/lib/image.sh
image_prepare "$JAR" Dockerfile

variant() { # NAME MAXRAM EXTRA_JVM...
  local name=$1 maxram=$2 load1 load2 roll peak; shift 2
  IMAGE_MAX_RAM=$maxram
  IMAGE_JVM_EXTRA=("$@")
  IMAGE_RSS_FILE=$RAW/rss-$name-$round.txt
  image_start "$RAW/server-$name-$round.log" "$RAW/gc-$name-$round.log"
  "$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/mutate" \
    --body "$WORK/bodies/pod-typical.json" -c 256 -d 15 --prime 2000 >"$RAW/load-$name-$round-1.json"
  "$JAVA" -cp "$CP" io.daprguard.load.ReviewLoad --url "https://127.0.0.1:$PORT/validate" \
    --body "$WORK/bodies/pod-typical-admitted.json" -c 64 -d 10 --prime 0 >"$RAW/load-$name-$round-2.json"
  roll=$(grep -E "^(Rss|Pss_Anon|Pss_File|Private_Dirty|Private_Clean)" "/proc/$SERVER_PID/smaps_rollup" | tr -s ' ' \
    | tr '\n' ' ')
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; kill "$SAMPLER_PID" 2>/dev/null || true
  peak=$(awk 'BEGIN {m = 0; a = 0} $2 > m {m = $2} $4 > a {a = $4} END {printf "peak_rss_mib=%.0f peak_anon_mib=%.0f", m / 1024, a / 1024}' "$IMAGE_RSS_FILE")
  load1=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(int(d["per_second"]), d["p99_us"] // 1000, d["errors"])' "$RAW/load-$name-$round-1.json")
  load2=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(int(d["per_second"]), d["p99_us"] // 1000, d["errors"])' "$RAW/load-$name-$round-2.json")
  log "$name round $round: $peak full_gcs=$(grep -c 'Pause Full' "$RAW/gc-$name-$round.log" || true) mutate256=[$load1] validate64=[$load2] end: $roll"
  echo "$name round=$round $peak mutate256=[$load1] validate64=[$load2]" >>"$RAW/summary.txt"
}
for round in $(seq 1 "$ROUNDS"); do
  variant image320 320m
  variant reloc1 320m -XX:ArchiveRelocationMode=1
  variant m256-p31 256m -XX:MaxRAMPercentage=31 -XX:MinRAMPercentage=31 -XX:InitialRAMPercentage=31
  variant m256-p25 256m
done
log "summary: $RAW/summary.txt"
