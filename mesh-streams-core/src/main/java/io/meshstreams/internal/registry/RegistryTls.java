package io.meshstreams.internal.registry;

import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_KEYSTORE_PASSWORD_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_KEYSTORE_TYPE_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_KEY_PASSWORD_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG;

import io.meshstreams.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/** Builds the {@link SSLContext} for https registry URLs from Confluent's {@code schema.registry.ssl.*} keys. */
final class RegistryTls {
    private RegistryTls() {
    }

    static SSLContext sslContext(SchemaRegistryClientConfig config) {
        try {
            TrustManager[] trustManagers = trustManagers(config);
            KeyManager[] keyManagers = keyManagers(config);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the schema registry client: " + e.getMessage()
                    + ". Check the schema.registry.ssl.* settings.");
        }
    }

    private static TrustManager[] trustManagers(SchemaRegistryClientConfig config) throws GeneralSecurityException {
        String location = config.getString(SSL_TRUSTSTORE_LOCATION_CONFIG);
        KeyStore trustStore = location == null ? null : load(SSL_TRUSTSTORE_LOCATION_CONFIG, location,
                config.getString(SSL_TRUSTSTORE_TYPE_CONFIG), config.secret(SSL_TRUSTSTORE_PASSWORD_CONFIG));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        TrustManager[] managers = factory.getTrustManagers();
        String algorithm = config.getString(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
        if (algorithm == null || algorithm.isBlank()) {
            // The JDK's HttpClient always asks for HTTPS host name checks; the check runs in the
            // trust manager, so one that validates the chain without the socket skips it.
            for (int i = 0; i < managers.length; i++) {
                if (managers[i] instanceof X509TrustManager x509) {
                    managers[i] = new ChainOnlyTrustManager(x509);
                }
            }
        }
        return managers;
    }

    private static KeyManager @Nullable [] keyManagers(SchemaRegistryClientConfig config) throws GeneralSecurityException {
        String location = config.getString(SSL_KEYSTORE_LOCATION_CONFIG);
        if (location == null) {
            return null;
        }
        String storePassword = config.secret(SSL_KEYSTORE_PASSWORD_CONFIG);
        KeyStore keyStore = load(SSL_KEYSTORE_LOCATION_CONFIG, location, config.getString(SSL_KEYSTORE_TYPE_CONFIG),
                storePassword);
        String keyPassword = config.secret(SSL_KEY_PASSWORD_CONFIG);
        if (keyPassword == null) {
            keyPassword = storePassword;
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore, keyPassword == null ? new char[0] : keyPassword.toCharArray());
        return factory.getKeyManagers();
    }

    private static KeyStore load(String key, String location, String type, @Nullable String password)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            throw new ConfigException(key, location, "cannot read it as a " + type + " store: " + e.getMessage()
                    + ". Check the path, the type (" + key.replace("location", "type") + ") and the password");
        }
        return store;
    }

    /** Checks the certificate chain against the trusted CAs but not the host name. */
    private static final class ChainOnlyTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        ChainOnlyTrustManager(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
