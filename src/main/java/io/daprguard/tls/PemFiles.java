package io.daprguard.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
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
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.pem.PemContent;

/**
 * Reads and writes PEM certificate and key files. A read that fails throws {@link TlsCertificateException} with a
 * message naming the file; a write that fails throws {@link IOException}.
 *
 * <p>The JDK only (and Spring Boot's parser for the traditional key forms), no Bouncy Castle: its jars are signed,
 * so their classes cannot be in the image's AOT cache and every one of them is loaded and verified at start. A server
 * that reads mounted certificates (the chart) never touches Bouncy Castle; only {@link CertificateGenerator} does.
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

    private static final String CERTIFICATE = "CERTIFICATE";

    /** The private key forms read: PKCS#8, PKCS#1 (RSA) and SEC 1 (EC). */
    private static final Set<String> KEY_TYPES = Set.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

    /** A PEM block: its label (group 1) and its body (group 2), the label repeated at the end. */
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    private static final Pattern BLANK_LINE = Pattern.compile("\\r?\\n\\r?\\n");

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
        StringBuilder pem = new StringBuilder();
        try {
            for (X509Certificate certificate : certificates) {
                pem.append(encode(CERTIFICATE, certificate.getEncoded()));
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
        if (!"PKCS#8".equals(privateKey.getFormat()) || privateKey.getEncoded() == null) {
            throw new IOException("Cannot encode the private key for " + target + " as PKCS#8 (its format is "
                    + privateKey.getFormat() + ")");
        }
        String pem = encode("PRIVATE KEY", privateKey.getEncoded());
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
        try {
            CertificateFactory factory = null;
            for (Matcher block = blocks(pem); block.find(); ) {
                if (block.group(1).equals(CERTIFICATE)) {
                    factory = (factory == null) ? CertificateFactory.getInstance("X.509") : factory;
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(base64(block, CERTIFICATE))));
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
        try {
            for (Matcher block = blocks(pem); block.find(); ) {
                String type = block.group(1);
                if (type.equals("ENCRYPTED PRIVATE KEY") || (type.endsWith("PRIVATE KEY")
                        && block.group(2).contains("Proc-Type: 4,ENCRYPTED"))) {
                    throw new TlsCertificateException("the key is encrypted; provide it unencrypted (PKCS#8 PEM)");
                }
                if (KEY_TYPES.contains(type)) {
                    base64(block, type);
                    // PKCS#8 for any algorithm the JDK knows, PKCS#1 (RSA) and SEC 1 (EC): Spring Boot's DER reader
                    return PemContent.of(block.group()).getPrivateKey();
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

    /**
     * The PEM blocks of the content, in order.
     *
     * @throws IOException if a BEGIN line has no matching END line (a file cut short: a partial write or copy)
     */
    private static Matcher blocks(byte[] pem) throws IOException {
        String text = ascii(pem);
        Matcher block = BLOCK.matcher(text);
        int end = 0;
        while (block.find()) {
            unterminated(text, end, block.start());
            end = block.end();
        }
        unterminated(text, end, text.length());
        return block.reset();
    }

    private static void unterminated(String text, int from, int to) throws IOException {
        Matcher begin = BEGIN.matcher(text).region(from, to);
        if (begin.find()) {
            throw new IOException("a " + begin.group(1) + " block has no END line (is the file incomplete?)");
        }
    }

    /** The text of PEM content; non-ASCII bytes fail, as {@link Files#newBufferedReader(Path, java.nio.charset.Charset)} does. */
    private static String ascii(byte[] pem) throws CharacterCodingException {
        CharBuffer text = StandardCharsets.US_ASCII.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(pem));
        return text.toString();
    }

    /**
     * The DER bytes of a PEM block (RFC 7468: base64 over lines, optional RFC 1421 headers before a blank line).
     *
     * @throws IOException if the block's body is not base64
     */
    private static byte[] base64(Matcher block, String type) throws IOException {
        String body = block.group(2);
        Matcher blankLine = BLANK_LINE.matcher(body);
        // base64 has no colon: one in the body means headers, which end at the first blank line
        String base64 = (body.indexOf(':') >= 0 && blankLine.find() ? body.substring(blankLine.end()) : body)
                .replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(base64);
        }
        catch (IllegalArgumentException ex) {
            throw new IOException("the " + type + " block is not valid base64", ex);
        }
    }

    /** One PEM block, RFC 7468: the label, then everything between the boundaries. */
    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
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
