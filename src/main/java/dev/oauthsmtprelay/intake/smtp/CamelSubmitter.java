package dev.oauthsmtprelay.intake.smtp;

import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Sends a received message through the route {@value #ENDPOINT} synchronously, and rethrows what it failed with. */
public final class CamelSubmitter implements Submitter {

    public static final String ENDPOINT = "direct:relay-smtp-intake";

    private final ProducerTemplate template;
    private final QueueRoom room;

    /** @param room asked at MAIL FROM whether the queue has room; null = never refused there */
    public CamelSubmitter(ProducerTemplate template, QueueRoom room) {
        this.template = template;
        this.room = room;
    }

    @Override
    public Optional<String> shortage() {
        return room == null ? Optional.empty() : room.shortage();
    }

    @Override
    public void submit(SmtpSubmission submission) throws Exception {
        Exchange exchange = template.send(ENDPOINT, e -> {
            e.getIn().setBody(submission.content());
            e.setProperty(SmtpSubmission.PROPERTY, submission);
        });
        Exception failure = exchange.getException();
        if (failure != null) {
            throw failure;
        }
    }
}
