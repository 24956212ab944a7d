package dev.oauthsmtprelay.ops.queue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Message;

/**
 * The parameters of a request on the relay's HTTP endpoint. platform-http turns query and form parameters into
 * headers and may leave the body empty, so the named headers are read first, then each URL-encoded text given.
 */
public final class FormParameters {

    private FormParameters() {
    }

    public static Map<String, String> read(Message in, List<String> names, String... urlEncoded) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : names) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                parameters.put(name, value);
            }
        }
        for (String part : urlEncoded) {
            if (part == null || part.isBlank()) {
                continue;
            }
            for (String pair : part.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }
}
