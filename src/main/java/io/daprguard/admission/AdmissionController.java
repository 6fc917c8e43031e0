package io.daprguard.admission;

import io.daprguard.policy.Webhook;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;

/**
 * The HTTP edge: bounded body in, {@link AdmissionHandler} result out; a review that {@link AdmissionExecutor}
 * refuses is answered from its envelope alone. Nothing else happens here. A plain servlet on the four admission
 * paths ({@link AdmissionServerConfiguration}), not a Spring MVC controller: handler mapping, argument resolution
 * and request attributes cost 15 % of a review's CPU and gave nothing these fixed POST routes need. Other methods
 * get the servlet's 405, other paths Spring's 404.
 */
public class AdmissionController extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The paths it serves. */
    static final String[] PATHS = {"/mutate", "/validate", "/audit/mutate", "/audit/validate"};

    private static final Logger log = LoggerFactory.getLogger(AdmissionController.class);

    private final transient AdmissionHandler handler;
    private final long maxRequestBytes;
    private final transient List<ReviewListener> listeners;
    private final transient ConnectionDrain drain;

    public AdmissionController(AdmissionHandler handler, AdmissionSettings settings, List<ReviewListener> listeners) {
        this(handler, settings, listeners, new ConnectionDrain());
    }

    /** @param drain tells when every answer must end its connection (shutdown) */
    public AdmissionController(
            AdmissionHandler handler, AdmissionSettings settings, List<ReviewListener> listeners, ConnectionDrain drain) {
        this.handler = handler;
        this.maxRequestBytes = settings.maxRequestBytes();
        this.listeners = List.copyOf(listeners);
        this.drain = drain;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath();
        boolean audit = path.startsWith("/audit/");
        Webhook webhook = path.endsWith("/mutate") ? Webhook.MUTATE : Webhook.VALIDATE;
        serve(request, response, webhook, audit);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, Webhook webhook, boolean audit)
            throws IOException {
        AdmissionHandler.Result result;
        long start;
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            start = System.nanoTime();
            result = handler.rejected(415, "Content-Type must be application/json", webhook, audit);
        } else {
            byte[] body;
            try {
                String refusal = AdmissionExecutor.refusal();
                body = readBounded(request);
                start = System.nanoTime();
                result = refusal == null
                        ? handler.handle(body, webhook, audit)
                        : handler.overloaded(body, webhook, audit, refusal);
            } catch (BadReviewException e) {
                start = System.nanoTime();
                result = handler.rejected(e.status(), e.reason(), webhook, audit);
            }
        }
        response.setStatus(result.status());
        response.setContentType(result.contentType());
        response.setContentLength(result.body().length);
        if ((result.status() == 413 || drain.draining()) && "HTTP/1.1".equals(request.getProtocol())) {
            // 413: the rest of the body was never read: end the connection so the client sees the answer at once
            // (HTTP/2 resets the stream instead, and forbids this header). Draining: the client's next review goes
            // over a new connection, to a replica that is ready (ConnectionDrain).
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        response.getOutputStream().write(result.body());
        response.flushBuffer();
        long nanos = System.nanoTime() - start;
        for (ReviewListener listener : listeners) {
            try {
                listener.reviewed(result.outcome(), nanos);
            } catch (RuntimeException e) {
                log.warn("review listener {} failed: {}", listener.getClass().getSimpleName(), SafeLog.describe(e));
            }
        }
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
                    // Full: one more byte tells whether the body has ended (the usual case: the buffer was sized
                    // by Content-Length) before the buffer is grown and copied.
                    int next = in.read();
                    if (next < 0) {
                        break;
                    }
                    if (length >= maxRequestBytes) {
                        drain(in);
                        throw tooLarge();
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, maxRequestBytes));
                    buffer[length++] = (byte) next;
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

    /**
     * Reads and drops what is left of an over-long body, up to as much again as the limit, so that the 413 reaches
     * the client over HTTP/2 as well (as Tomcat's maxSwallowSize does for HTTP/1.1). Past that the connection is
     * given up rather than read forever.
     */
    private void drain(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        long left = maxRequestBytes;
        int read;
        while (left > 0 && (read = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
            left -= read;
        }
    }

    private BadReviewException tooLarge() {
        return new BadReviewException(413, "request body is larger than " + maxRequestBytes
                + " bytes (dapr-guard.max-request-size)");
    }
}
