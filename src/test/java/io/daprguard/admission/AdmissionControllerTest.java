package io.daprguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.config.DaprGuardConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP edge: routes, content type, body limit, on the servlet itself with the configured handler. */
class AdmissionControllerTest {

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":
            {"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB"}},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AdmissionController servlet;

    @BeforeEach
    void servlet() {
        new ApplicationContextRunner().withUserConfiguration(DaprGuardConfiguration.class)
                .withPropertyValues("dapr-guard.max-request-size=2KB")
                .run(context -> servlet = new AdmissionController(context.getBean(AdmissionHandler.class),
                        context.getBean(AdmissionSettings.class), List.of()));
    }

    private MockHttpServletResponse call(String method, String path, String contentType, String body)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        request.setProtocol("HTTP/1.1");
        if (contentType != null) {
            request.setContentType(contentType);
        }
        if (body != null) {
            request.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        servlet.service(request, response);
        return response;
    }

    private MockHttpServletResponse post(String path, String uid) throws Exception {
        return call("POST", path, "application/json", AdmissionHandlerTest.review("admission.k8s.io/v1", uid, POD));
    }

    private static JsonNode json(MockHttpServletResponse response) throws Exception {
        return JSON.readTree(response.getContentAsByteArray());
    }

    @Test
    void mutateAnswersAPatch() throws Exception {
        MockHttpServletResponse response = post("/mutate", "u-m");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("application/json");
        JsonNode answer = json(response).path("response");
        assertThat(answer.path("uid").asString()).isEqualTo("u-m");
        assertThat(answer.path("allowed").asBoolean()).isTrue();
        assertThat(answer.path("patchType").asString()).isEqualTo("JSONPatch");
    }

    @Test
    void validateDeniesWith403() throws Exception {
        JsonNode answer = json(post("/validate", "u-v")).path("response");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.path("status").path("code").asInt()).isEqualTo(403);
    }

    @Test
    void auditPathsNeverDenyOrPatch() throws Exception {
        JsonNode validate = json(post("/audit/validate", "u-av")).path("response");
        assertThat(validate.path("allowed").asBoolean()).isTrue();
        assertThat(validate.path("warnings").path(0).isString()).isTrue();
        JsonNode mutate = json(post("/audit/mutate", "u-am")).path("response");
        assertThat(mutate.path("allowed").asBoolean()).isTrue();
        assertThat(mutate.has("patch")).isFalse();
        assertThat(mutate.path("warnings").path(0).asString())
                .isEqualTo("[sidecar-resources] would add dapr.io/sidecar-cpu-request: 100m");
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        String big = AdmissionHandlerTest.review("admission.k8s.io/v1", "u-big",
                POD.replace("\"orders:1\"", "\"orders:1\",\"args\":[\"" + "x".repeat(3000) + "\"]"));
        MockHttpServletResponse response = call("POST", "/validate", "application/json", big);
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentAsString())
                .isEqualTo("request body is larger than 2048 bytes (dapr-guard.max-request-size)\n");
        assertThat(response.getHeader("Connection")).isEqualTo("close");
    }

    @Test
    void nonJsonContentTypeGets415() throws Exception {
        MockHttpServletResponse response = call("POST", "/mutate", "text/plain", "{}");
        assertThat(response.getStatus()).isEqualTo(415);
        assertThat(response.getContentAsString()).isEqualTo("Content-Type must be application/json\n");
    }

    @Test
    void malformedBodyGets400() throws Exception {
        MockHttpServletResponse response = call("POST", "/mutate", "application/json", "{\"kind\":");
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("text/plain;charset=UTF-8");
    }

    @Test
    void getIsNotAllowed() throws Exception {
        assertThat(call("GET", "/mutate", null, null).getStatus()).isEqualTo(405);
    }
}
