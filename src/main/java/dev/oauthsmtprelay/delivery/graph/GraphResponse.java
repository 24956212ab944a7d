package dev.oauthsmtprelay.delivery.graph;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One reply from Graph: status, body, headers, and the {@code error.code} / {@code error.message} of an error. */
record GraphResponse(int status, String body, HttpHeaders headers) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    boolean ok() {
        return status >= 200 && status < 300;
    }

    JsonNode json() {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    String errorCode() {
        return json().path("error").path("code").asText("");
    }

    String errorMessage() {
        String message = json().path("error").path("message").asText("");
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** "HTTP 403 ErrorAccessDenied: Access is denied. …", what the relay keeps as the provider's reply. */
    String describe() {
        String code = errorCode();
        String message = errorMessage();
        return "HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message);
    }
}
