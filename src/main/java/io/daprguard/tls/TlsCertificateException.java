package io.daprguard.tls;

/**
 * The server's TLS material is missing, unreadable or inconsistent, or could not be generated.
 * Thrown during start-up; the message says which file is affected and what to do about it.
 */
public class TlsCertificateException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and how to fix it
     */
    public TlsCertificateException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and how to fix it
     * @param cause the underlying I/O or security failure
     */
    public TlsCertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
