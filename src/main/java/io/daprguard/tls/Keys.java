package io.daprguard.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;

/** Key helpers shared by generation and loading. Plain JCA, no Spring. */
final class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /**
     * The signature algorithm to use with a key: SHA-256 (or a hash matching the curve size) for EC,
     * SHA-256 for RSA, EdDSA for Ed25519/Ed448.
     *
     * @throws IllegalArgumentException for key types this server does not sign with
     */
    static String signatureAlgorithm(Key key) {
        String algorithm = key.getAlgorithm();
        switch (algorithm) {
            case "EC":
            case "ECDSA": {
                int fieldSize = (key instanceof ECKey ecKey) ? ecKey.getParams().getCurve().getField().getFieldSize() : 256;
                if (fieldSize > 384) {
                    return "SHA512withECDSA";
                }
                return (fieldSize > 256) ? "SHA384withECDSA" : "SHA256withECDSA";
            }
            case "RSA":
                return "SHA256withRSA";
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                return "EdDSA";
            default:
                throw new IllegalArgumentException("Unsupported key algorithm '" + algorithm
                        + "'; use an EC, RSA or EdDSA key");
        }
    }

    /**
     * Whether a private key belongs to a public key, proven by signing a random challenge with the
     * one and verifying it with the other (works for every key type without re-deriving keys).
     */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!sameFamily(privateKey, publicKey)) {
            return false;
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        String algorithm = signatureAlgorithm(privateKey);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        }
        catch (InvalidKeyException | SignatureException ex) {
            // Keys of different curves or sizes cannot be used together: they do not match.
            return false;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot check whether the private key matches the certificate: "
                    + ex.getMessage(), ex);
        }
    }

    /**
     * Throws unless {@code key} belongs to {@code certificate}.
     *
     * @param keyFile where the key was read, for the message
     * @param certificateDescription what the certificate is, for the message ("{@code keyFile} does not belong to
     *     {@code certificateDescription}")
     * @throws TlsCertificateException if it does not, or the key is of a type this server does not use
     */
    static void requireMatch(PrivateKey key, X509Certificate certificate, Path keyFile, String certificateDescription) {
        boolean matches;
        try {
            matches = matches(key, certificate.getPublicKey());
        }
        catch (IllegalArgumentException ex) {
            throw new TlsCertificateException(keyFile + ": " + ex.getMessage(), ex);
        }
        if (!matches) {
            throw new TlsCertificateException(keyFile + " does not belong to " + certificateDescription);
        }
    }

    private static boolean sameFamily(PrivateKey privateKey, PublicKey publicKey) {
        return signatureAlgorithm(privateKey).equals(signatureAlgorithm(publicKey));
    }
}
