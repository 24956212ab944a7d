package dev.oauthsmtprelay.intake.parse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.oauthsmtprelay.message.InvalidMessageException;

/** Typed reads of JSON fields; a wrong type names the field and the type expected. JSON null counts as absent. */
final class JsonFields {

    private JsonFields() {
    }

    static void requireKnownFields(JsonNode object, List<String> allowed, String where) throws InvalidMessageException {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidMessageException("unknown field \"" + name + "\"" + where + ": allowed fields are "
                        + String.join(", ", allowed) + " (names are case-sensitive)");
            }
        }
    }

    static String optionalString(JsonNode object, String field, String label) throws InvalidMessageException {
        JsonNode node = object.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(label, "a string", node);
        }
        return node.textValue();
    }

    /** A string, or an array of strings; absent gives an empty list. */
    static List<String> stringOrArray(JsonNode object, String field) throws InvalidMessageException {
        JsonNode node = object.get(field);
        if (absent(node)) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw wrongType("\"" + field + "\"", "a string or an array of strings", node);
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw wrongType("\"" + field + "\"[" + i + "]", "a string", element);
            }
            values.add(element.textValue());
        }
        return values;
    }

    static List<JsonNode> optionalArrayOfObjects(JsonNode object, String field) throws InvalidMessageException {
        JsonNode node = object.get(field);
        if (absent(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw wrongType("\"" + field + "\"", "an array of objects", node);
        }
        List<JsonNode> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isObject()) {
                throw wrongType("\"" + field + "\"[" + i + "]", "an object", node.get(i));
            }
            elements.add(node.get(i));
        }
        return elements;
    }

    /** An object whose values are all strings, e.g. {"X-Order-Id": "4711"}. */
    static List<Map.Entry<String, String>> optionalStringMap(JsonNode object, String field) throws InvalidMessageException {
        JsonNode node = object.get(field);
        if (absent(node)) {
            return List.of();
        }
        if (!node.isObject()) {
            throw wrongType("\"" + field + "\"", "an object of header name to string value", node);
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (!entry.getValue().isTextual()) {
                throw wrongType("\"" + field + "\".\"" + entry.getKey() + "\"", "a string", entry.getValue());
            }
            entries.add(Map.entry(entry.getKey(), entry.getValue().textValue()));
        }
        return entries;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static InvalidMessageException wrongType(String label, String expected, JsonNode found) {
        return new InvalidMessageException("wrong type for " + label + ": expected " + expected + ", found "
                + describe(found) + "; correct the value in the JSON message");
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true/false";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
