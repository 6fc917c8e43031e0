# syntax=docker/dockerfile:1
# dapr-guard image: build with the Maven wrapper on a JDK, run Spring Boot's extracted layers on a JRE.
# Base images are pinned to exact versions; bump them deliberately.

FROM eclipse-temurin:17.0.15_6-jdk-noble AS build
WORKDIR /workspace
# Dependencies first, so that source changes reuse the cached dependency layer.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests \
 && java -Djarmode=tools -jar target/dapr-guard.jar extract --layers --launcher --destination /layers

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
# Container-aware JVM sizing (heap follows the memory limit), fail fast on OOM, virtual threads for Tomcat.
# Certificates come from a mounted Secret: the image never generates them. /tmp must be writable (an emptyDir
# when the root filesystem is read-only).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Djava.io.tmpdir=/tmp" \
    SPRING_THREADS_VIRTUAL_ENABLED=true \
    DAPR_GUARD_TLS_DIR=/etc/dapr-guard/tls \
    DAPR_GUARD_TLS_GENERATE=false
EXPOSE 8443 9090
USER 65532:65532
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
