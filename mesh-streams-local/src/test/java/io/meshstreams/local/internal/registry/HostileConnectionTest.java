package io.meshstreams.local.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a raw socket can throw at the server: garbage request lines and headers, oversized headers,
 * chunked bodies past the limit, and half-sent requests. Each gets a JSON error or a closed
 * connection; none gets a 5xx or a hang.
 */
class HostileConnectionTest {
    private static RegistryHttpServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RegistryHttpServer.start(new InMemoryRegistryStore(), RegistryHttpServer.Settings.defaults()
                .withMaxBodyBytes(8 * 1024).withIdleTimeout(Duration.ofMillis(500)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aGarbageRequestLineGets400AsJson() throws IOException {
        String answer = exchange("THIS IS NOT HTTP\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).contains("Content-Type: application/vnd.schemaregistry.v1+json");
        assertThat(body(answer)).startsWith("{\"error_code\":400,\"message\":\"HTTP 400 Bad Request");
    }

    @Test
    void aGarbageHeaderGets400AsJson() throws IOException {
        String answer = exchange("GET /subjects HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(body(answer)).startsWith("{\"error_code\":400,");
    }

    @Test
    void headersLargerThanTheLimitGet431AsJson() throws IOException {
        String answer = exchange("GET /subjects HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431 ");
        assertThat(body(answer)).startsWith("{\"error_code\":431,");
    }

    @Test
    void aChunkedBodyPastTheLimitGets413() throws IOException {
        StringBuilder request = new StringBuilder("POST /subjects/a/versions HTTP/1.1\r\nHost: x\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n");
        String chunk = "a".repeat(4096);
        for (int i = 0; i < 4; i++) {
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("0\r\n\r\n");

        String answer = exchange(request.toString());

        assertThat(answer).startsWith("HTTP/1.1 413 ");
        assertThat(body(answer)).isEqualTo("{\"error_code\":413,\"message\":\"Request body too large: the limit is 8192 bytes\"}");
    }

    @Test
    void aDeclaredContentLengthPastTheLimitGets413WithoutReadingTheBody() throws IOException {
        String answer = exchange("POST /subjects/a/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{");

        assertThat(answer).startsWith("HTTP/1.1 413 ");
    }

    @Test
    void aHalfSentRequestIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /subjects/a/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"sch"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();

            // the server gives up on the body after its idle timeout: an error answer and/or end of stream
            await().atMost(Duration.ofSeconds(8)).until(() -> readUntilClosed(in));
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            await().atMost(Duration.ofSeconds(8)).until(() -> readUntilClosed(socket.getInputStream()));
        }
    }

    private static boolean readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        try {
            return in.read(buffer) == -1 || in.read(buffer) == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server: closed too
        }
    }

    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading everything we send
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    answer.write(buffer, 0, n);
                    if (complete(answer.toString(StandardCharsets.UTF_8))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // a reset after the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static boolean complete(String answer) {
        int headerEnd = answer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return false;
        }
        String headers = answer.substring(0, headerEnd).toLowerCase(java.util.Locale.ROOT);
        int at = headers.indexOf("content-length: ");
        if (at < 0) {
            return false;
        }
        int length = Integer.parseInt(headers.substring(at + 16).split("\r\n")[0].trim());
        return answer.length() - headerEnd - 4 >= length;
    }

    private static String body(String answer) {
        int headerEnd = answer.indexOf("\r\n\r\n");
        return headerEnd < 0 ? "" : answer.substring(headerEnd + 4);
    }
}
