#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording as Markdown.

  jfrtop.py RECORDING.jfr [JFR_TOOL] [--top N]

Runs `jfr print --events jdk.ExecutionSample --stack-depth 96` and counts, over every sample:
  - self: the top frame (where the CPU was);
  - self by area: each sample counted for the first non-JDK frame on its stack (so a HashMap.get inside
    Tomcat is Tomcat's), grouped (JSON parsing, JSON diff, rules, TLS, HTTP/2, logging...);
  - inclusive: how many samples have a given dapr-guard / library method anywhere on the stack.
Also sums jdk.GarbageCollection pause time. JFR samples only threads running Java code (GC and JIT compiler
threads are not in jdk.ExecutionSample), so the percentages are shares of Java CPU time.
"""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w$.<>/]+)\((.*?)\)(?:\s+line:\s*(\d+))?")

# A sample's area is that of the first frame, from the top, that is not plain JDK code (java.*, jdk.*, sun.*),
# so a HashMap.get called by Tomcat counts for Tomcat. TLS and crypto frames count as TLS wherever they are.
TLS = ("sun.security.ssl", "sun.security.ec", "com.sun.crypto", "javax.crypto", "sun.security.provider",
       "sun.security.util")
JDK = ("java.", "javax.", "jdk.", "sun.", "com.sun.")
AREAS = [
    ("JSON parse/write (Jackson core, (de)serializers)", ("tools.jackson.core", "tools.jackson.databind.deser",
                                                          "tools.jackson.databind.ser",
                                                          "tools.jackson.databind.ObjectMapper",
                                                          "tools.jackson.databind.ObjectReader",
                                                          "tools.jackson.databind.ObjectWriter")),
    ("JSON tree (Jackson nodes: copy, equals, get)", ("tools.jackson.databind",)),
    ("JSON diff (zjsonpatch)", ("io.fabric8.zjsonpatch",)),
    ("dapr-guard: rules", ("io.daprguard.rules", "io.daprguard.dapr")),
    ("dapr-guard: engine", ("io.daprguard.policy",)),
    ("dapr-guard: audit log", ("io.daprguard.audit",)),
    ("dapr-guard: metrics listener", ("io.daprguard.metrics",)),
    ("dapr-guard: admission (controller, codec)", ("io.daprguard",)),
    ("Tomcat HTTP/2", ("org.apache.coyote.http2",)),
    ("Tomcat HTTP/1.1", ("org.apache.coyote.http11",)),
    ("Tomcat (connector, NIO, TLS channel, servlet)", ("org.apache.tomcat", "org.apache.coyote",
                                                       "org.apache.catalina")),
    ("Spring MVC", ("org.springframework",)),
    ("logging (logback)", ("ch.qos.logback", "org.slf4j")),
    ("metrics (Micrometer/Prometheus)", ("io.micrometer", "io.prometheus")),
    ("JMH harness", ("org.openjdk.jmh",)),
]

KEY_FRAMES = [
    ("AdmissionController.serve (whole review incl. body read, write)", "io.daprguard.admission.AdmissionController.serve"),
    ("AdmissionHandler.handle (decode + engine + encode)", "io.daprguard.admission.AdmissionHandler.handle"),
    ("AdmissionReviewCodec.decode (parse)", "io.daprguard.admission.AdmissionReviewCodec.decode"),
    ("PolicyEngine.review (rules)", "io.daprguard.policy.PolicyEngine.review"),
    ("PolicyEngine.mutate", "io.daprguard.policy.PolicyEngine.mutate"),
    ("PolicyEngine.validate", "io.daprguard.policy.PolicyEngine.validate"),
    ("PolicyEngine.decide", "io.daprguard.policy.PolicyEngine.decide"),
    ("JsonDiff.asJson (patch = diff of trees)", "io.fabric8.zjsonpatch.JsonDiff.asJson"),
    ("ObjectNode.deepCopy", "tools.jackson.databind.node.ObjectNode.deepCopy"),
    ("WorkingCopy (copy on write)", "io.daprguard.rules.WorkingCopy."),
    ("AdmissionReviewCodec.encode", "io.daprguard.admission.AdmissionReviewCodec.encode"),
    ("AuditLog (audit JSON line)", "io.daprguard.audit.AuditLog."),
    ("AdmissionMetrics.reviewed", "io.daprguard.metrics.AdmissionMetrics.reviewed"),
    ("UnknownAnnotationRule", "io.daprguard.rules.UnknownAnnotationRule."),
    ("EnvSecretsRule", "io.daprguard.rules.EnvSecretsRule."),
    ("SidecarResourcesRule", "io.daprguard.rules.SidecarResourcesRule."),
    ("SidecarGomemlimitRule", "io.daprguard.rules.SidecarGomemlimitRule."),
    ("InjectedSidecarRule", "io.daprguard.rules.InjectedSidecarRule."),
    ("PodView.annotations/stringMap", "io.daprguard.rules.PodView.stringMap"),
    ("java.util.regex (any)", "java.util.regex."),
    ("TLS (sun.security.ssl)", "sun.security.ssl."),
    ("logback appender", "ch.qos.logback.core.OutputStreamAppender"),
]


def owner(stack):
    """The first non-JDK frame from the top (TLS frames win), or None for JDK-only stacks."""
    for frame in stack:
        if frame.startswith(TLS):
            return "TLS"
        if not frame.startswith(JDK):
            return frame
    return None


def area_of(stack):
    frame = owner(stack)
    if frame is None:
        return "JDK only (virtual-thread scheduler, NIO poller, JFR...)"
    if frame == "TLS":
        return "TLS / crypto (JSSE)"
    for name, prefixes in AREAS:
        if frame.startswith(prefixes):
            return name
    return "other: " + ".".join(frame.split(".")[:3])


def samples(path, jfr):
    out = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                         capture_output=True, text=True, check=True).stdout
    stack, in_stack = [], False
    for line in out.splitlines():
        if line.strip().startswith("stackTrace = ["):
            stack, in_stack = [], True
        elif in_stack and line.strip() == "]":
            in_stack = False
            if stack:
                yield stack
        elif in_stack:
            m = FRAME.match(line)
            if m:
                stack.append(m.group(1))


def gc_pauses(path, jfr):
    out = subprocess.run([jfr, "print", "--events", "jdk.GarbageCollection", path], capture_output=True, text=True,
                         check=True).stdout
    total, count = 0.0, 0
    for m in re.finditer(r"sumOfPauses = ([0-9.]+) (ms|s|us)", out):
        v = float(m.group(1))
        total += v * {"ms": 1, "s": 1000, "us": 0.001}[m.group(2)]
        count += 1
    return count, total


def main():
    args = sys.argv[1:]
    top = 15
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    path = args[0]
    jfr = args[1] if len(args) > 1 else "jfr"
    self_counts, area_counts, key_counts = collections.Counter(), collections.Counter(), collections.Counter()
    callers = collections.defaultdict(collections.Counter)
    total = 0
    for stack in samples(path, jfr):
        total += 1
        self_counts[stack[0]] += 1
        callers[stack[0]][owner(stack) or "-"] += 1
        area_counts[area_of(stack)] += 1
        joined = "\n".join(stack)
        for label, needle in KEY_FRAMES:
            if needle in joined:
                key_counts[label] += 1
    if total == 0:
        print("(no execution samples)")
        return
    pct = lambda n: f"{100.0 * n / total:.1f}%"
    print(f"{total} execution samples.\n")
    print("| top frame (self) | samples | share | mostly under (first non-JDK frame) |\n|---|---:|---:|---|")
    for frame, n in self_counts.most_common(top):
        under, k = callers[frame].most_common(1)[0]
        under = "" if under == frame else f"`{under}` ({100.0 * k / n:.0f}%)"
        print(f"| `{frame}` | {n} | {pct(n)} | {under} |")
    print("\n| area (by the first non-JDK frame on the stack) | samples | share |\n|---|---:|---:|")
    for area, n in area_counts.most_common():
        print(f"| {area} | {n} | {pct(n)} |")
    print("\n| on the stack (inclusive) | samples | share |\n|---|---:|---:|")
    for label, _ in KEY_FRAMES:
        if key_counts[label]:
            print(f"| {label} | {key_counts[label]} | {pct(key_counts[label])} |")
    count, ms = gc_pauses(path, jfr)
    print(f"\nGC: {count} collections, {ms:.0f} ms of pauses in the recording.")


if __name__ == "__main__":
    main()
