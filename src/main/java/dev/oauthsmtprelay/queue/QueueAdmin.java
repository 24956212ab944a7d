package dev.oauthsmtprelay.queue;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * What {@code queue list|hold|release|delete|retry-now} do to the broker: list the delivery queue and the hold
 * queue, and move or remove the messages that match an Artemis filter. Held messages live in the hold queue, which
 * no route consumes, so they survive restarts and are never delivered until released.
 */
public final class QueueAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {
    };

    /** Enough for any header section: show reads no more of a message than this. */
    private static final int MAX_BODY = 512 * 1024;

    private final ConnectionFactory factory;
    private final BrokerManagement management;
    private final String deliveryQueue;
    private final String holdQueue;

    public QueueAdmin(ConnectionFactory factory, String deliveryQueue, String holdQueue) {
        this.factory = factory;
        this.management = new BrokerManagement(factory);
        this.deliveryQueue = deliveryQueue;
        this.holdQueue = holdQueue;
    }

    public String deliveryQueue() {
        return deliveryQueue;
    }

    public String holdQueue() {
        return holdQueue;
    }

    /**
     * Every message of the queue with its properties, including those waiting for their redelivery delay
     * (scheduled) and those a consumer holds right now (delivering), which a JMS browser would not show.
     */
    public List<Map<String, Object>> list(String queue) throws JMSException {
        // Three lists, asked one after the other: a message that changes state in between can be missed, so compare
        // with the queue's count and ask again (new mail keeps arriving, so only a few times).
        List<Map<String, Object>> rows = List.of();
        for (int attempt = 0; attempt < 3; attempt++) {
            rows = listOnce(queue);
            // messageCount includes the scheduled and the delivering ones
            long count = attribute(queue, "messageCount");
            if (rows.size() >= count) {
                break;
            }
        }
        return rows;
    }

    private List<Map<String, Object>> listOnce(String queue) throws JMSException {
        Map<Object, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Map<String, Object> row : rows(queue, "listMessagesAsJSON", "")) {
            byId.put(row.get("messageID"), withState(row, "waiting"));
        }
        for (Map<String, Object> row : rows(queue, "listScheduledMessagesAsJSON")) {
            byId.put(row.get("messageID"), withState(row, "retry"));
        }
        String delivering = (String) management.invoke(ResourceNames.QUEUE + queue, "listDeliveringMessagesAsJSON");
        // grouped by consumer: every object with a messageID, at any depth, is a message
        List<JsonNode> messages = parse(delivering, new TypeReference<JsonNode>() {
        }, "listDeliveringMessagesAsJSON").findParents("messageID");
        for (JsonNode message : messages) {
            Map<String, Object> row = JSON.convertValue(message, new TypeReference<Map<String, Object>>() {
            });
            byId.put(row.get("messageID"), withState(row, "delivering"));
        }
        return new ArrayList<>(byId.values());
    }

    /** A numeric attribute of a queue, e.g. {@code messageCount} or {@code scheduledCount}. */
    public long attribute(String queue, String name) throws JMSException {
        return ((Number) management.attribute(ResourceNames.QUEUE + queue, name)).longValue();
    }

    /**
     * The bytes of the message with this relay id, read with a JMS browser: only for a message that is waiting
     * (not one a consumer holds, nor one waiting for its redelivery delay, which a browser does not see).
     */
    public Optional<byte[]> body(String queue, String relayId) throws JMSException {
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = session.createBrowser(session.createQueue(queue),
                     QueuedMessage.RELAY_ID + " = " + literal(relayId))) {
            connection.start();
            Enumeration<?> messages = browser.getEnumeration();
            if (messages.hasMoreElements() && messages.nextElement() instanceof BytesMessage bytes) {
                byte[] body = new byte[(int) Math.min(bytes.getBodyLength(), MAX_BODY)];
                bytes.readBytes(body);
                return Optional.of(body);
            }
            return Optional.empty();
        }
    }

    /** Moves the matching messages; returns how many moved. Messages a consumer holds right now are not moved. */
    public int move(String from, String filter, String to) throws JMSException {
        if (to.equals(holdQueue)) {
            ensureHoldQueue();
        }
        return ((Number) management.invoke(ResourceNames.QUEUE + from, "moveMessages", filter, to)).intValue();
    }

    /** How many matching messages a consumer holds right now: a delivery attempt is under way for them. */
    public long delivering(String queue, String filter) throws JMSException {
        return ((Number) management.invoke(ResourceNames.QUEUE + queue, "countDeliveringMessages", filter)).longValue();
    }

    /** Removes the matching messages for good; returns how many. Messages a consumer holds right now are not removed. */
    public int remove(String queue, String filter) throws JMSException {
        return ((Number) management.invoke(ResourceNames.QUEUE + queue, "removeMessages", filter)).intValue();
    }

    /** An external broker may not have the hold queue yet; the embedded one declares it. */
    private void ensureHoldQueue() throws JMSException {
        management.invoke(ResourceNames.BROKER, "createQueue", "{\"name\":\"" + holdQueue + "\",\"address\":\""
                + holdQueue + "\",\"routing-type\":\"ANYCAST\",\"durable\":true}", true);
    }

    private List<Map<String, Object>> rows(String queue, String operation, Object... parameters) throws JMSException {
        return parse((String) management.invoke(ResourceNames.QUEUE + queue, operation, parameters), ROWS, operation);
    }

    private static <T> T parse(String json, TypeReference<T> type, String operation) throws JMSException {
        try {
            return JSON.readValue(json, type);
        } catch (Exception e) {
            throw new JMSException("the broker's answer to " + operation + " is not the expected JSON: " + e.getMessage());
        }
    }

    private static Map<String, Object> withState(Map<String, Object> row, String state) {
        row.put("state", state);
        return row;
    }

    /** An Artemis filter string literal: single quotes doubled. */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
