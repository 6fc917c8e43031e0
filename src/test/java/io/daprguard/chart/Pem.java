package io.daprguard.chart;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Certificates out of base64 PEM (Secret data, caBundle). */
final class Pem {

    private Pem() {
    }

    /** The PEM text of a base64 value. */
    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }

    /** The first certificate of a base64 PEM value. */
    static X509Certificate certificate(String base64) {
        return certificates(base64).get(0);
    }

    static List<X509Certificate> certificates(String base64) {
        String pem = decode(base64);
        if (!pem.startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new AssertionError("not a PEM certificate: starts with "
                    + pem.substring(0, Math.min(30, pem.length())));
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : factory.generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        }
        catch (CertificateException ex) {
            throw new AssertionError("not a parsable certificate", ex);
        }
    }

    /** The DNS subject alternative names of a certificate. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> name : certificate.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(name.get(0))) {
                        names.add((String) name.get(1));
                    }
                }
            }
        }
        catch (CertificateException ex) {
            throw new AssertionError(ex);
        }
        return names;
    }
}
