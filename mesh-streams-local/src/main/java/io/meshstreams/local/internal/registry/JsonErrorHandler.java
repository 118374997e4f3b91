package io.meshstreams.local.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Renders the errors that Jetty answers itself, before a request reaches {@link RegistryHandler}
 * (a garbled request line, bad headers, headers too large, an ambiguous URI), as the registry's
 * JSON error body with {@code error_code} equal to the HTTP status.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, @Nullable String message,
                                    @Nullable Throwable cause, Callback callback) {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, RegistryHandler.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static byte[] body(int code, @Nullable String message) {
        String text = "HTTP " + code + " " + HttpStatus.getMessage(code)
                + (message == null || message.isBlank() || message.equals(HttpStatus.getMessage(code)) ? "" : ": " + message);
        try {
            return Json.MAPPER.writeValueAsBytes(RegistryHandler.error(code, text));
        } catch (JsonProcessingException e) {
            return ("{\"error_code\":" + code + ",\"message\":\"HTTP " + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
