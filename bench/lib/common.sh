# Sourced first by bench/burst.sh, bench/audit.sh, bench/rightsizing.sh and bench/run.sh (after they set ROOT).
#
#   bench_args USAGE ARG...    QUICK=1 with --quick, else 0; -h/--help prints the calling script's header comment;
#                              any other argument exits 2 naming USAGE
#   bench_init NAME            cd to $ROOT; JAVA (Temurin 25 when present, the image's JVM), JAVA_FEATURE, COMMIT
#                              (-dirty when src, pom.xml or Dockerfile have uncommitted changes), STAMP, RAW
#                              (bench/results/raw/NAME-STAMP-COMMIT, git-ignored), WORK (a temporary directory the
#                              caller removes), log MESSAGE (to stderr and RAW/run.log)
#   ports_free HINT PORT...    exits 1 if something listens on one of the ports, naming HINT (the variables to set)
#   bench_build JAR            builds target/dapr-guard.jar unless JAR names a built one (sets JAR), compiles the test
#                              classes (the load client and its helpers; CP), writes the review bodies to $WORK/bodies
#   machine_info LINE...       writes RAW/machine.txt: "date= commit= mode= server=" and the first LINE on the first
#                              line, the CPU, memory and Java, then the other LINEs

bench_args() {
  local usage=$1 arg
  shift
  QUICK=0
  for arg in "$@"; do
    case "$arg" in
      --quick) QUICK=1 ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed 's/^# \{0,1\}//' | grep -v '^set -euo'; exit 0 ;;
      *) echo "unknown argument: $arg (usage: $usage)" >&2; exit 2 ;;
    esac
  done
}

bench_init() {
  cd "$ROOT"
  JAVA=java
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  JAVA_FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git status --porcelain -- src pom.xml Dockerfile 2>/dev/null)" ] || COMMIT="$COMMIT-dirty"
  STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  RAW=$ROOT/bench/results/raw/$1-$STAMP-$COMMIT
  WORK=$(mktemp -d)
  mkdir -p "$RAW"
}

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$RAW/run.log" >&2; }

ports_free() {
  local hint=$1 port; shift
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is in use: stop what listens there or set $hint" >&2
      exit 1
    fi
  done
}

bench_build() {
  JAR=$1
  log "building (mode $MODE, java $JAVA_FEATURE, commit $COMMIT${JAR:+, server $JAR})"
  [ -n "$JAR" ] || ./mvnw -B -q package -DskipTests >"$RAW/build.log" 2>&1
  JAR=${JAR:-target/dapr-guard.jar}
  ./mvnw -B -q test-compile >>"$RAW/build.log" 2>&1
  python3 bench/gen_bodies.py "$WORK/bodies" >/dev/null
  CP=$ROOT/target/test-classes
}

machine_info() {
  local first=${1:-}; shift || true
  {
    echo "date=$(date -u +%FT%TZ) commit=$COMMIT mode=$MODE server=$JAR${first:+ $first}"
    echo "cpu=$(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
    echo "memory=$(free -m | awk '/Mem:/ {print $2}') MiB"
    echo "java=$("$JAVA" -version 2>&1 | head -1)"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$RAW/machine.txt"
}
