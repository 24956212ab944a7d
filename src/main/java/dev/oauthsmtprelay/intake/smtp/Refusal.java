package dev.oauthsmtprelay.intake.smtp;

import java.util.Locale;

import org.subethamail.smtp.RejectException;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * A reply that refuses something, with the reason counted in the metrics
 * ({@code relay_listener_refused_total{reason=...}}). The text names the limit or the setting.
 */
record Refusal(Reason reason, int code, String text) {

    enum Reason {
        NETWORK, CONNECTIONS, SENDER, RECIPIENTS, SIZE, NUL, BARE_LF, LINE_LENGTH, INVALID, QUEUE, TIMEOUT, AUTH,
        DISCONNECTED;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static Refusal content(Reason reason, String why) {
        return new Refusal(reason, 550, "5.6.0 message refused: " + why);
    }

    static Refusal tooLarge(int maxSize) {
        return new Refusal(Reason.SIZE, 552, "5.3.4 message too large: the limit is " + maxSize + " bytes ("
                + RelayKeys.LISTENER_MAX_MESSAGE_SIZE + "); send smaller attachments");
    }

    RejectException exception() {
        return new RejectException(code, text);
    }

    /** The text on one line: reasons may come from a parser and must not end the reply early. */
    Refusal {
        text = text.replaceAll("[\\r\\n]+", " ");
    }
}
