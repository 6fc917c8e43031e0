package io.daprguard.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One reading of the files the server's SSL bundle is built from: the bytes of {@code tls.crt},
 * {@code tls.key} and, when client authentication is on, the client CA file, each read once and in
 * full (following symbolic links, so a kubelet Secret volume's {@code tls.crt -> ..data/tls.crt}
 * resolves to the current content), and a SHA-256 digest over all of them.
 *
 * <p>The bundle is built from exactly these bytes, so the digest always describes what is loaded;
 * comparing digests tells whether the files changed since. Holds private key material: never log
 * it, and {@link #toString()} shows only the file names and the digest.
 */
final class BundleContents {

    private final Path certificateFile;

    private final byte[] certificatePem;

    private final Path keyFile;

    private final byte[] keyPem;

    private final Path clientCaFile;

    private final byte[] clientCaPem;

    private final String digest;

    private BundleContents(Path certificateFile, byte[] certificatePem, Path keyFile, byte[] keyPem,
            Path clientCaFile, byte[] clientCaPem) {
        this.certificateFile = certificateFile;
        this.certificatePem = certificatePem;
        this.keyFile = keyFile;
        this.keyPem = keyPem;
        this.clientCaFile = clientCaFile;
        this.clientCaPem = clientCaPem;
        this.digest = digest(certificatePem, keyPem, clientCaPem);
    }

    /**
     * Reads the serving certificate and key of {@code files} and, if given, the client CA file.
     *
     * @param files the TLS directory's files
     * @param clientCaFile the client CA file, or {@code null} when clients are not authenticated
     * @return the contents
     * @throws IOException if a file cannot be read; the message names the file
     */
    static BundleContents read(CertificateFiles files, Path clientCaFile) throws IOException {
        Objects.requireNonNull(files, "files");
        byte[] certificate = PemFiles.readBytes(files.servingCertificate(), "certificates");
        byte[] key = PemFiles.readBytes(files.servingKey(), "a private key");
        byte[] clientCa = (clientCaFile != null) ? PemFiles.readBytes(clientCaFile, "certificates") : null;
        return new BundleContents(files.servingCertificate(), certificate, files.servingKey(), key, clientCaFile,
                clientCa);
    }

    /**
     * SHA-256 over the contents of every file (each prefixed with its length), as lower-case hex.
     * Two readings have the same digest exactly when every file has the same bytes.
     *
     * @param parts file contents; {@code null} for an absent optional file
     * @return the digest
     */
    static String digest(byte[]... parts) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", ex);
        }
        for (byte[] part : parts) {
            // Length prefixes keep "ab" + "c" apart from "a" + "bc"; -1 marks an absent file.
            sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt((part != null) ? part.length : -1).array());
            if (part != null) {
                sha256.update(part);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    Path certificateFile() {
        return certificateFile;
    }

    byte[] certificatePem() {
        return certificatePem;
    }

    Path keyFile() {
        return keyFile;
    }

    byte[] keyPem() {
        return keyPem;
    }

    /**
     * @return the client CA file, or {@code null} when clients are not authenticated
     */
    Path clientCaFile() {
        return clientCaFile;
    }

    /**
     * @return the client CA file's content, or {@code null} when clients are not authenticated
     */
    byte[] clientCaPem() {
        return clientCaPem;
    }

    /**
     * @return the digest of all contents, see {@link #digest(byte[]...)}
     */
    String digest() {
        return digest;
    }

    @Override
    public String toString() {
        return "BundleContents[" + certificateFile + ", " + keyFile
                + ((clientCaFile != null) ? ", " + clientCaFile : "") + ", sha256=" + digest + "]";
    }
}
