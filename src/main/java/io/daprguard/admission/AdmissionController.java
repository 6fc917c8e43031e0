package io.daprguard.admission;

import io.daprguard.policy.Webhook;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP edge: bounded body in, {@link AdmissionHandler} result out. Nothing else happens here.
 */
@RestController
public class AdmissionController {

    private final AdmissionHandler handler;
    private final long maxRequestBytes;

    public AdmissionController(AdmissionHandler handler, AdmissionSettings settings) {
        this.handler = handler;
        this.maxRequestBytes = settings.maxRequestBytes();
    }

    @PostMapping("/mutate")
    public ResponseEntity<byte[]> mutate(HttpServletRequest request) throws IOException {
        return serve(request, Webhook.MUTATE, false);
    }

    @PostMapping("/validate")
    public ResponseEntity<byte[]> validate(HttpServletRequest request) throws IOException {
        return serve(request, Webhook.VALIDATE, false);
    }

    @PostMapping("/audit/mutate")
    public ResponseEntity<byte[]> auditMutate(HttpServletRequest request) throws IOException {
        return serve(request, Webhook.MUTATE, true);
    }

    @PostMapping("/audit/validate")
    public ResponseEntity<byte[]> auditValidate(HttpServletRequest request) throws IOException {
        return serve(request, Webhook.VALIDATE, true);
    }

    private ResponseEntity<byte[]> serve(HttpServletRequest request, Webhook webhook, boolean audit)
            throws IOException {
        AdmissionHandler.Result result;
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            result = AdmissionHandler.Result.text(415, "Content-Type must be application/json");
        } else {
            try {
                result = handler.handle(readBounded(request), webhook, audit);
            } catch (BadReviewException e) {
                result = AdmissionHandler.Result.text(e.status(), e.reason());
            }
        }
        return ResponseEntity.status(result.status())
                .header(HttpHeaders.CONTENT_TYPE, result.contentType())
                .body(result.body());
    }

    private static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
        return media.equals("application/json") || media.endsWith("+json");
    }

    /** Reads at most the configured number of bytes; more is HTTP 413, whether announced or not. */
    private byte[] readBounded(HttpServletRequest request) throws IOException {
        long announced = request.getContentLengthLong();
        if (announced > maxRequestBytes) {
            throw tooLarge();
        }
        int initial = (int) Math.min(announced > 0 ? announced : 16 * 1024, maxRequestBytes);
        byte[] buffer = new byte[Math.max(initial, 1024)];
        int length = 0;
        try (InputStream in = request.getInputStream()) {
            while (true) {
                if (length == buffer.length) {
                    if (length >= maxRequestBytes) {
                        if (in.read() != -1) {
                            throw tooLarge();
                        }
                        break;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, maxRequestBytes));
                }
                int read = in.read(buffer, length, buffer.length - length);
                if (read < 0) {
                    break;
                }
                length += read;
            }
        }
        if (length > maxRequestBytes) {
            throw tooLarge();
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    private BadReviewException tooLarge() {
        return new BadReviewException(413, "request body is larger than " + maxRequestBytes
                + " bytes (dapr-guard.max-request-size)");
    }
}
