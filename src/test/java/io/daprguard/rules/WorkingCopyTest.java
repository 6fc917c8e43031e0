package io.daprguard.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class WorkingCopyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String DEPLOYMENT = """
            {"kind":"Deployment","metadata":{"name":"orders","annotations":{"a/b~c":"1"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"orders"}},
               "template":{"metadata":{"annotations":{"dapr.io/enabled":"true"}},
                 "spec":{"volumes":[{"name":"v","emptyDir":{}}],
                   "containers":[{"name":"app","env":[{"name":"A","value":"1"}]},
                     {"name":"daprd","env":[{"name":"B","value":"2"}],"securityContext":{"runAsNonRoot":true}}]}}}}""";

    @Test
    void writesGoToCopiesAndEverythingElseIsShared() {
        ObjectNode original = (ObjectNode) JSON.readTree(DEPLOYMENT);
        JsonNode before = original.deepCopy();
        WorkingCopy copy = WorkingCopy.of(original);
        PodView pod = PodView.writable(copy, "/spec/template");

        pod.putAnnotation("dapr.io/app-id", "orders");
        ContainerView daprd = pod.daprdContainer().orElseThrow();
        daprd.putResource("limits", "memory", "1000Mi");
        daprd.addEnv("GOMEMLIMIT", "900MiB");
        daprd.putSeccompProfileType("RuntimeDefault");

        assertThat(original).isEqualTo(before);
        ObjectNode result = copy.root();
        assertThat(result.at("/spec/template/metadata/annotations/dapr.io~1app-id").asString()).isEqualTo("orders");
        assertThat(result.at("/spec/template/metadata/annotations/dapr.io~1enabled").asString()).isEqualTo("true");
        assertThat(result.at("/spec/template/spec/containers/1/resources/limits/memory").asString())
                .isEqualTo("1000Mi");
        assertThat(result.at("/spec/template/spec/containers/1/env/0/name").asString()).isEqualTo("B");
        assertThat(result.at("/spec/template/spec/containers/1/env/1/value").asString()).isEqualTo("900MiB");
        assertThat(result.at("/spec/template/spec/containers/1/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(result.at("/spec/template/spec/containers/1/securityContext/seccompProfile/type").asString())
                .isEqualTo("RuntimeDefault");

        // Subtrees no write went under are the original's own nodes; the ones on the way to a write are copies.
        for (String shared : new String[] {"/metadata", "/spec/selector", "/spec/template/spec/volumes",
                "/spec/template/spec/containers/0", "/spec/template/spec/containers/1/env/0"}) {
            assertThat(result.at(shared)).as(shared).isSameAs(original.at(shared));
        }
        for (String copied : new String[] {"", "/spec", "/spec/template", "/spec/template/metadata/annotations",
                "/spec/template/spec/containers", "/spec/template/spec/containers/1",
                "/spec/template/spec/containers/1/env", "/spec/template/spec/containers/1/securityContext"}) {
            assertThat(result.at(copied)).as(copied).isNotSameAs(original.at(copied));
        }
    }

    @Test
    void aViewSeesItsOwnWritesAndWritesIntoACopyOnlyOnce() {
        ObjectNode original = (ObjectNode) JSON.readTree(DEPLOYMENT);
        WorkingCopy copy = WorkingCopy.of(original);
        PodView pod = PodView.writable(copy, "/spec/template");
        ContainerView daprd = pod.daprdContainer().orElseThrow();

        daprd.putResource("requests", "cpu", "100m");
        JsonNode container = copy.root().at("/spec/template/spec/containers/1");
        daprd.putResource("limits", "cpu", "300m");
        daprd.addEnv("GOMEMLIMIT", "900MiB");

        assertThat(daprd.resource("requests", "cpu")).isEqualTo("100m");
        assertThat(daprd.resource("limits", "cpu")).isEqualTo("300m");
        assertThat(daprd.env("GOMEMLIMIT")).contains(new ContainerView.Literal("900MiB"));
        assertThat(copy.root().at("/spec/template/spec/containers/1")).isSameAs(container);
        assertThat(pod.daprdContainer().orElseThrow().resource("limits", "cpu")).isEqualTo("300m");
        assertThat(original.at("/spec/template/spec/containers/1/resources").isMissingNode()).isTrue();
    }

    @Test
    void missingObjectsAreCreatedAndEscapedNamesAreFollowed() {
        ObjectNode original = (ObjectNode) JSON.readTree("""
                {"spec":{"containers":[{"name":"daprd"}]},"odd":{"a/b~c":{"x":1}}}""");
        WorkingCopy copy = WorkingCopy.of(original);
        PodView pod = PodView.writable(copy, "");

        pod.putAnnotation("dapr.io/enabled", "true");
        pod.daprdContainer().orElseThrow().putSeccompProfileType("RuntimeDefault");
        ObjectNode odd = copy.writableAt("/odd/a~1b~0c");
        odd.put("y", 2);

        assertThat(copy.root().at("/metadata/annotations/dapr.io~1enabled").asString()).isEqualTo("true");
        assertThat(copy.root().at("/spec/containers/0/securityContext/seccompProfile/type").asString())
                .isEqualTo("RuntimeDefault");
        assertThat(copy.root().at("/odd/a~1b~0c/y").asInt()).isEqualTo(2);
        assertThat(original.toString()).isEqualTo("{\"spec\":{\"containers\":[{\"name\":\"daprd\"}]},\"odd\":{\"a/b~c\":{\"x\":1}}}");
    }

    @Test
    void aReadOnlyViewRefusesWrites() {
        ObjectNode original = (ObjectNode) JSON.readTree(DEPLOYMENT);
        PodView pod = PodView.of(original, "/spec/template");

        assertThatThrownBy(() -> pod.putAnnotation("dapr.io/app-id", "orders"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a write through a read-only view of /spec/template");
        assertThatThrownBy(() -> pod.daprdContainer().orElseThrow().addEnv("A", "1"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(original.at("/spec/template/metadata/annotations").size()).isEqualTo(1);
    }

    @Test
    void aPathThatLeadsNowhereIsRefused() {
        WorkingCopy copy = WorkingCopy.of((ObjectNode) JSON.readTree(DEPLOYMENT));

        assertThatThrownBy(() -> copy.writableAt("/spec/replicas"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no object or array at replicas of /spec/replicas");
        assertThatThrownBy(() -> copy.writableAt("/spec/template/spec/containers/7"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> copy.writableAt("/spec/template/spec/containers"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no object to write at /spec/template/spec/containers");
    }
}
