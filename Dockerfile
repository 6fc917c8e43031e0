# syntax=docker/dockerfile:1
# dapr-guard image: build with the Maven wrapper on a JDK, run Spring Boot's extracted layers on a JRE, started
# from a JDK AOT cache (JEP 483/514) that a training run in this file creates.
# Base images are pinned to exact versions; bump them deliberately.

FROM eclipse-temurin:17.0.15_6-jdk-noble AS build
WORKDIR /workspace
# Dependencies first, so that source changes reuse the cached dependency layer.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests \
 && java -Djarmode=tools -jar target/dapr-guard.jar extract --layers --destination /layers

FROM eclipse-temurin:25.0.3_9-jre-noble
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
LABEL org.opencontainers.image.title="dapr-guard" \
      org.opencontainers.image.description="Kubernetes admission webhook that makes Dapr's production guidelines the default" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/dapr-guard/dapr-guard" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:25.0.3_9-jre-noble"
WORKDIR /app
# Least-changing layers first.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# JVM options, container-aware: the heap is 31 % of the memory limit, 79 MiB of the chart's 256Mi
# (Min/Max/InitialRAMPercentage together, as the JVM otherwise keeps a 126 MiB floor under small limits; the live
# set is about 30 MiB, and with -XX:NewRatio=1 a 64 MiB heap left the old generation too small: a full collection
# every 0.1 s at 256 connections, bench/README.md "Memory"), the rest is the AOT cache, metaspace, code cache, JIT
# and thread memory (bench/README.md shows the split). The AOT cache is mapped where it was built
# (-XX:ArchiveRelocationMode=0, a diagnostic flag): relocated at a random address, as by default, every page of it
# that holds a pointer was rewritten, 31 MiB of anonymous memory the container's limit cannot reclaim; mapped in
# place they stay clean file pages (bench/README.md "Memory"). The trade-off is that the cache's address is not
# randomised; the JVM still randomises everything else. Parallel GC: young
# pauses of about 1 ms on two threads and the throughput to run in a small heap (Serial GC paused longer and lost
# a quarter of the throughput at this size; G1's young pauses were twice as long). Young and old generations of
# equal size (-XX:NewRatio=1): a third fewer young collections, and a 1 MB pod's tree (about 6 MB while it is
# reviewed) dies young instead of overflowing the survivor space into the old generation (fixed survivor spaces
# were tried against the adaptive sizing's promotion after one young collection and not kept: they halved the old
# generation's growth under saturation with typical pods, but 1 MB pods got 2.6 times the full collections and 40 %
# less throughput, bench/README.md "Second round"). Code cache collections only when 50 %
# of it is new code since the last (-XX:SweeperThreshold=50; the default 15 % of 64 MiB made the JIT's warm-up
# trigger full collections of the whole heap, "CodeCache GC Threshold", 60-100 ms each). Fail fast on OOM,
# native memory handed back to the OS every 5 s (-XX:TrimNativeHeapInterval), caps on metaspace and code cache,
# and no JIT compilation may use more than 12 MiB of compiler memory (CompileCommand MemLimit, ~stop: the method
# stays at the lower tier; without it, C2 compiling Spring's large methods briefly took 40 MiB). The Helm chart
# sets the same list (jvm.* values). Reviews run on a fixed pool of platform threads (application.yaml), not virtual
# threads: a virtual thread per connection started every review of a burst at once (bench/README.md, "Bursts").
# MALLOC_ARENA_MAX=2: glibc's malloc otherwise opens up to 16 arenas on 2 cores for the JVM's 70 threads; two cut
# the peak resident memory of a 256-connection burst by 11 MiB (bench/README.md, "Bursts").
# -XX:+AOTCompileEagerly (experimental, JDK 25): the methods the training run compiled are queued for compilation as
# soon as their classes are loaded, from the cache's profiles, instead of once they are hot again: a fresh replica's
# first 5 s at 256 connections answered three times the reviews, and its p99 over 30 s fell from about 290 to 120 ms;
# the price is the compiler threads' CPU while Spring starts, the first review about 0.3 s later (bench/README.md,
# "The first review"). A JVM without the cache ignores it.
# -Dspring.aot.enabled=true: the context Spring's ahead-of-time processing generated at build time (pom.xml), without
# class scanning and condition evaluation at start: the first review 0.45 s sooner (bench/README.md, "The first
# review"). Its conditions were settled in the build; the server decides what its settings switch at run time.
# Certificates come from a mounted Secret: the image never generates them. /tmp must be writable (an emptyDir
# when the root filesystem is read-only).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=31 -XX:MinRAMPercentage=31 -XX:InitialRAMPercentage=31 -XX:+UseParallelGC -XX:NewRatio=1 -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=5000 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:SweeperThreshold=50 -XX:MaxDirectMemorySize=64m -Xss512k -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,12m~stop -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -Djava.io.tmpdir=/tmp -Dspring.aot.enabled=true" \
    DAPR_GUARD_TLS_DIR=/etc/dapr-guard/tls \
    DAPR_GUARD_TLS_GENERATE=false \
    MALLOC_ARENA_MAX=2
# AOT cache training run (JDK 25, -XX:AOTCacheOutput): the server starts, sends itself representative reviews over
# HTTPS (io.daprguard.ops.AotTraining: pods and workloads clean and with every kind of finding, Components,
# Configurations, the control plane, bad input, and bursts that the small max-concurrent-reviews here turns into
# code-429 answers) and exits. The classes it loaded and linked, and the method profiles of the review path (JEP 515),
# are written to /app/dapr-guard.aot, which the ENTRYPOINT maps at start: a new replica starts with the review path
# already profiled (bench/README.md, "Rollouts"). The run uses throw-away certificates in /tmp, deleted in the same
# layer; it fails the build if any review gets an unexpected answer. A JVM that cannot use the cache (another JDK,
# changed jars) says so in a warning and starts normally. The certificates are made by a first start that exits once
# its context is up, so that the recorded run only reads them, as a pod reads its mounted Secret: generating them
# loads Bouncy Castle, whose signed jars cannot be cached, and a cached class that refers to it would load and verify
# those jars at every start (bench/README.md, "The first review").
RUN java -Dspring.context.exit=onRefresh -XX:MaxRAM=256m -jar dapr-guard.jar --dapr-guard.tls.dir=/tmp/aot-training \
      --dapr-guard.tls.generate=true --server.port=0 --management.server.port=0 >/tmp/aot-training.log 2>&1 \
 && java -XX:AOTCacheOutput=/app/dapr-guard.aot -XX:MaxRAM=256m -jar dapr-guard.jar --dapr-guard.aot-training=true \
      --dapr-guard.tls.dir=/tmp/aot-training --dapr-guard.tls.generate=false --server.port=0 \
      --management.server.port=0 --dapr-guard.shutdown.drain-period=0s \
      --dapr-guard.limits.max-concurrent-reviews=1 >>/tmp/aot-training.log 2>&1 \
      || { cat /tmp/aot-training.log; exit 1; } \
 && rm -rf /tmp/aot-training /tmp/aot-training.log \
 && chmod 0444 /app/dapr-guard.aot
EXPOSE 8443 9090
USER 65532:65532
ENTRYPOINT ["java", "-XX:AOTCache=/app/dapr-guard.aot", "-jar", "dapr-guard.jar"]
