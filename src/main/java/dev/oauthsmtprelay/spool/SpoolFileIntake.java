package dev.oauthsmtprelay.spool;

import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.delivery.QueuedMessage;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.intake.MessageParser;
import dev.oauthsmtprelay.intake.RelayMessage;

/** Turns a spool file into a queued message; an unusable file raises {@link InvalidMessageException}. */
public final class SpoolFileIntake implements Processor {

    private final MessageParser parser;
    private final Clock clock;

    public SpoolFileIntake(MessageParser parser, Clock clock) {
        this.parser = parser;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws InvalidMessageException {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        byte[] content = exchange.getIn().getBody(byte[].class);
        if (content == null) {
            throw new InvalidMessageException("the file cannot be read; check its permissions");
        }
        RelayMessage message = parser.parse(name, content);
        QueuedMessage.write(exchange.getIn(), message, RelayIds.next(clock), "spool:" + name, clock.instant());
    }
}
