package io.daprguard.tls;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One reading of the files the SSL bundle is built from ({@code tls.crt}, {@code tls.key}, the client CA file) and a
 * SHA-256 digest over their bytes. The bundle is built from exactly these bytes, so the digest describes what is
 * loaded even when a kubelet Secret volume swaps its {@code ..data} symlink between two reads. Holds private key
 * material: {@link #toString()} shows only the file names and the digest.
 *
 * @param clientCaFile the client CA file, or {@code null} when clients are not authenticated
 * @param clientCaPem its content, or {@code null} when clients are not authenticated
 * @param digest see {@link #digest(byte[]...)}
 */
record BundleContents(Path certificateFile, byte[] certificatePem, Path keyFile, byte[] keyPem, Path clientCaFile,
        byte[] clientCaPem, String digest) {

    /**
     * Reads the serving certificate and key of {@code files} and, if given, the client CA file.
     *
     * @param files the TLS directory's files
     * @param clientCaFile the client CA file, or {@code null} when clients are not authenticated
     * @return the contents
     * @throws TlsCertificateException if a file cannot be read; the message names the file
     */
    static BundleContents read(CertificateFiles files, Path clientCaFile) {
        Objects.requireNonNull(files, "files");
        byte[] certificate = PemFiles.readBytes(files.servingCertificate(), "certificates");
        byte[] key = PemFiles.readBytes(files.servingKey(), "a private key");
        byte[] clientCa = (clientCaFile != null) ? PemFiles.readBytes(clientCaFile, "certificates") : null;
        return new BundleContents(files.servingCertificate(), certificate, files.servingKey(), key, clientCaFile,
                clientCa, digest(certificate, key, clientCa));
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

    @Override
    public String toString() {
        return "BundleContents[" + certificateFile + ", " + keyFile
                + ((clientCaFile != null) ? ", " + clientCaFile : "") + ", sha256=" + digest + "]";
    }
}
