package io.daprguard.admission;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.daprguard.config.DaprGuardConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** The HTTP slice: routes, content type, body limit. */
@WebMvcTest(controllers = AdmissionController.class, properties = "dapr-guard.max-request-size=2KB")
@Import(DaprGuardConfiguration.class)
class AdmissionControllerTest {

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":
            {"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB"}},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    @Autowired
    MockMvc mvc;

    @Test
    void mutateAnswersAPatch() throws Exception {
        mvc.perform(post("/mutate").contentType(MediaType.APPLICATION_JSON)
                        .content(AdmissionHandlerTest.review("admission.k8s.io/v1", "u-m", POD)))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.response.uid").value("u-m"))
                .andExpect(jsonPath("$.response.allowed").value(true))
                .andExpect(jsonPath("$.response.patchType").value("JSONPatch"));
    }

    @Test
    void validateDeniesWith403() throws Exception {
        mvc.perform(post("/validate").contentType(MediaType.APPLICATION_JSON)
                        .content(AdmissionHandlerTest.review("admission.k8s.io/v1", "u-v", POD)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.response.allowed").value(false))
                .andExpect(jsonPath("$.response.status.code").value(403));
    }

    @Test
    void auditPathsNeverDenyOrPatch() throws Exception {
        mvc.perform(post("/audit/validate").contentType(MediaType.APPLICATION_JSON)
                        .content(AdmissionHandlerTest.review("admission.k8s.io/v1", "u-av", POD)))
                .andExpect(jsonPath("$.response.allowed").value(true))
                .andExpect(jsonPath("$.response.warnings[0]").exists());
        mvc.perform(post("/audit/mutate").contentType(MediaType.APPLICATION_JSON)
                        .content(AdmissionHandlerTest.review("admission.k8s.io/v1", "u-am", POD)))
                .andExpect(jsonPath("$.response.allowed").value(true))
                .andExpect(jsonPath("$.response.patch").doesNotExist())
                .andExpect(jsonPath("$.response.warnings[0]").value(
                        "[sidecar-resources] would add dapr.io/sidecar-cpu-request: 100m"));
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        String big = AdmissionHandlerTest.review("admission.k8s.io/v1", "u-big",
                POD.replace("\"orders:1\"", "\"orders:1\",\"args\":[\"" + "x".repeat(3000) + "\"]"));
        mvc.perform(post("/validate").contentType(MediaType.APPLICATION_JSON).content(big))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().string("request body is larger than 2048 bytes (dapr-guard.max-request-size)\n"));
    }

    @Test
    void nonJsonContentTypeGets415() throws Exception {
        mvc.perform(post("/mutate").contentType(MediaType.TEXT_PLAIN).content("{}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().string("Content-Type must be application/json\n"));
    }

    @Test
    void malformedBodyGets400() throws Exception {
        mvc.perform(post("/mutate").contentType(MediaType.APPLICATION_JSON).content("{\"kind\":"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType("text/plain;charset=UTF-8"));
    }

    @Test
    void getIsNotAllowed() throws Exception {
        mvc.perform(get("/mutate")).andExpect(status().isMethodNotAllowed());
    }
}
