package io.crashpipe.sink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS towards Elasticsearch: the CAs to trust (ECK serves HTTPS with a CA of its own, in the
 * {@code NAME-es-http-certs-public} secret's {@code ca.crt}) and, for clusters that ask for
 * one, a client certificate. PEM files; the key unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY};
 * {@code openssl pkcs8 -topk8 -nocrypt} converts others). Nothing set: the JDK's trusted CAs.
 */
public record EsTls(Optional<Path> caBundle, Optional<Path> clientCert, Optional<Path> clientKey) {
    public static final EsTls DEFAULT = new EsTls(Optional.empty(), Optional.empty(), Optional.empty());

    public EsTls {
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("a client certificate and its key go together (got only the "
                    + (clientCert.isPresent() ? "certificate" : "key") + ")");
        }
    }

    public static EsTls of(Path caBundle, Path clientCert, Path clientKey) {
        return new EsTls(Optional.ofNullable(caBundle), Optional.ofNullable(clientCert), Optional.ofNullable(clientKey));
    }

    public boolean isDefault() {
        return caBundle.isEmpty() && clientCert.isEmpty();
    }

    /** The context for the HTTP client; errors name the file and what it should hold. */
    public SSLContext sslContext() throws IOException {
        try {
            TrustManagerFactory tmf = null;
            if (caBundle.isPresent()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caBundle.get())) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (clientCert.isPresent()) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] none = new char[0];
                keys.setKeyEntry("client", privateKey(clientKey.get()), none,
                        certificates(clientCert.get()).toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for Elasticsearch: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(pem + ": expected PEM certificates (-----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(pem + ": expected PEM certificates (-----BEGIN CERTIFICATE-----), found none");
        }
        return new ArrayList<>(certs);
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(pem + ": expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IOException(pem + ": a PKCS#8 key, but not RSA, EC or Ed25519");
    }
}
