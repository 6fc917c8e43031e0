package io.daprguard.tls;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes PEM certificate and key files. A read that fails throws {@link TlsCertificateException} with a
 * message naming the file; a write that fails throws {@link IOException}.
 *
 * <p>Writes are atomic (temporary file, forced to disk, renamed over the target), so a crash leaves the old file or
 * the complete new one, never half a key; private keys are created {@code rw-------} from the start, not restricted
 * after the fact, so there is no moment at which another user can read them.
 */
public final class PemFiles {

    private static final Logger log = LoggerFactory.getLogger(PemFiles.class);

    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private PemFiles() {
    }

    /**
     * Creates a directory (and missing parents) {@code rwx------} where POSIX permissions are
     * supported; an existing directory is left as it is.
     *
     * @param directory the directory
     * @throws IOException if it cannot be created
     */
    public static void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (Files.exists(directory)) {
            throw new IOException(directory + " exists but is not a directory");
        }
        if (supportsPosix(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        }
        else {
            Files.createDirectories(directory);
        }
    }

    /**
     * Atomically writes certificates as consecutive {@code CERTIFICATE} PEM blocks.
     *
     * @param target the file to create or replace
     * @param certificates the certificates, leaf first for a chain
     * @throws IOException if the file cannot be written
     */
    public static void writeCertificates(Path target, List<X509Certificate> certificates) throws IOException {
        StringWriter pem = new StringWriter();
        try (PemWriter writer = new PemWriter(pem)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(new PemObject("CERTIFICATE", certificate.getEncoded()));
            }
        }
        catch (CertificateEncodingException ex) {
            throw new IOException("Cannot encode certificate for " + target + ": " + ex.getMessage(), ex);
        }
        writeAtomically(target, pem.toString().getBytes(StandardCharsets.US_ASCII), PUBLIC_FILE);
    }

    /**
     * Atomically writes an unencrypted PKCS#8 {@code PRIVATE KEY} PEM file that only its owner can
     * read (on POSIX file systems).
     *
     * @param target the file to create or replace
     * @param privateKey the key
     * @throws IOException if the file cannot be written
     */
    public static void writePrivateKey(Path target, PrivateKey privateKey) throws IOException {
        StringWriter pem = new StringWriter();
        try (PemWriter writer = new PemWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(privateKey, null));
        }
        if (!supportsPosix(target)) {
            log.warn("File system of {} has no POSIX permissions; the private key's access is governed by the"
                    + " directory's defaults", target);
        }
        writeAtomically(target, pem.toString().getBytes(StandardCharsets.US_ASCII), PRIVATE_FILE);
    }

    /**
     * Reads every {@code CERTIFICATE} block of a PEM file, in file order. Symbolic links are
     * followed.
     *
     * @param file the PEM file
     * @return at least one certificate
     * @throws TlsCertificateException if the file cannot be read, or holds no (valid) certificate
     */
    public static List<X509Certificate> readCertificates(Path file) {
        return parseCertificates(readBytes(file, "certificates"), file);
    }

    /**
     * A TLS client context that trusts exactly these certificates (the CAs of a server it calls).
     *
     * @throws GeneralSecurityException if the JDK's key store or trust manager refuses them
     */
    public static SSLContext trusting(Collection<? extends Certificate> certificates)
            throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
            trusted.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory trust =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * Parses every {@code CERTIFICATE} block of PEM content, in order. Used where the bytes were read
     * once (for example to compare them with what is loaded) and must be parsed exactly as read.
     *
     * @param pem the PEM content (US-ASCII)
     * @param origin the file the content was read from, for messages
     * @return at least one certificate
     * @throws TlsCertificateException if the content holds no (valid) certificate
     */
    public static List<X509Certificate> parseCertificates(byte[] pem, Path origin) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = asciiReader(pem); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        }
        catch (IOException | CertificateException | RuntimeException ex) {
            throw new TlsCertificateException("Cannot read certificates from " + origin + ": " + describe(ex), ex);
        }
        if (certificates.isEmpty()) {
            throw new TlsCertificateException(origin + " contains no PEM CERTIFICATE block");
        }
        return List.copyOf(certificates);
    }

    /**
     * Reads the first private key of a PEM file: unencrypted PKCS#8 ({@code PRIVATE KEY}), or the
     * traditional OpenSSL {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY} forms. Symbolic links are
     * followed.
     *
     * @param file the PEM file
     * @return the key
     * @throws TlsCertificateException if the file cannot be read, holds no key, or holds an encrypted one
     */
    public static PrivateKey readPrivateKey(Path file) {
        return parsePrivateKey(readBytes(file, "a private key"), file);
    }

    /**
     * Parses the first private key of PEM content, in the forms {@link #readPrivateKey(Path)} accepts.
     *
     * @param pem the PEM content (US-ASCII)
     * @param origin the file the content was read from, for messages
     * @return the key
     * @throws TlsCertificateException if the content holds no key, or an encrypted one
     */
    public static PrivateKey parsePrivateKey(byte[] pem, Path origin) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = asciiReader(pem); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair keyPair) {
                    return converter.getPrivateKey(keyPair.getPrivateKeyInfo());
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    throw new TlsCertificateException("the key is encrypted; provide it unencrypted (PKCS#8 PEM)");
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            throw new TlsCertificateException("Cannot read a private key from " + origin + ": " + describe(ex), ex);
        }
        throw new TlsCertificateException(origin + " contains no PEM private key");
    }

    /**
     * Reads a whole file, following symbolic links.
     *
     * @param file the file
     * @param what what was to be read from it ("certificates", "a private key"), for the message
     * @return its bytes
     * @throws TlsCertificateException if it cannot be read; the message names the file ("no such file" if absent)
     */
    static byte[] readBytes(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        }
        catch (IOException ex) {
            throw new TlsCertificateException("Cannot read " + what + " from " + file + ": " + describe(ex), ex);
        }
    }

    /** A reader that fails on non-ASCII bytes, as {@link Files#newBufferedReader(Path, java.nio.charset.Charset)} does. */
    private static Reader asciiReader(byte[] pem) {
        CharsetDecoder decoder = StandardCharsets.US_ASCII.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(pem), decoder));
    }

    /**
     * Writes {@code content} to a temporary file next to {@code target}, created with
     * {@code permissions} where POSIX is supported, forces it to disk, and renames it over
     * {@code target} atomically. The temporary file is removed if anything fails.
     */
    static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = supportsPosix(directory)
                ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException | RuntimeException ex) {
            try {
                Files.deleteIfExists(temporary);
            }
            catch (IOException cleanup) {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    private static String describe(Exception ex) {
        if (ex instanceof NoSuchFileException) {
            return "no such file";
        }
        if (ex instanceof AccessDeniedException) {
            return "permission denied";
        }
        return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
