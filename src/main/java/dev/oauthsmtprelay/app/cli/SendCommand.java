package dev.oauthsmtprelay.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.camel.CamelContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.app.send.ImmediateDelivery;
import dev.oauthsmtprelay.app.send.MessageDraft;
import dev.oauthsmtprelay.app.send.SpoolWriter;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.JsonMessageParser;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send a message (like IBM i SNDSMTPEMM). By default it is written into the spool directory "
                + "(relay.spool.dir) for the relay to deliver, running or not; --now delivers it to the hub at once. "
                + "Exit status 0 when queued or accepted by the hub, 1 with the reason otherwise.")
class SendCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--to", required = true, paramLabel = "ADDR", description = "Recipient; repeat for several.")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", paramLabel = "ADDR", description = "Copy recipient; repeat for several.")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", paramLabel = "ADDR", description = "Blind copy recipient (not written into the message).")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--from", paramLabel = "ADDR", description = "Sender (default: relay.default-sender).")
    String from;

    @Option(names = "--subject", required = true, paramLabel = "TEXT", description = "Subject line (one line).")
    String subject;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Body body;

    static class Body {
        @Option(names = "--body", paramLabel = "TEXT", description = "Message text.")
        String text;

        @Option(names = "--body-file", paramLabel = "FILE", description = "File holding the message text (UTF-8).")
        Path file;
    }

    @Option(names = "--attach", paramLabel = "FILE", description = "File to attach; repeat for several.")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--html", description = "The body is HTML.")
    boolean html;

    @Option(names = "--now", description = "Deliver to the hub now instead of through the spool; prints the hub's reply.")
    boolean now;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    SendCommand() {
        this(Clock.systemUTC());
    }

    SendCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (CamelContext context = config.propertiesContext()) {
            RelaySettings settings = RelaySettings.of(context);
            String sender = from != null ? from : settings.defaultSender().orElse(null);
            if (sender == null) {
                err.println("Not sent: no sender. Give --from ADDR or set relay.default-sender.");
                return 1;
            }
            String messageId = "<" + UUID.randomUUID() + "@" + settings.aliasDomain() + ">";
            byte[] json = new MessageDraft(messageId, sender, to, cc, bcc, subject, bodyText(), html, attachments)
                    .toJson();
            RelayMessage message = new JsonMessageParser(intakeSettings(settings)).parse(json);
            if (!now) {
                Path file = new SpoolWriter(settings.spoolDir()).write("send-" + RelayIds.next(clock) + ".json", json);
                out.println("Queued " + messageId + " as " + file.toAbsolutePath());
                return 0;
            }
            DeliveryReport report = new ImmediateDelivery(context, RelayEnvironment.from(context, clock), clock)
                    .deliver(message);
            if (report.hubReply() != null) {
                out.println("Delivered " + messageId + " to " + String.join(", ", report.accepted()) + ": "
                        + report.hubReply().trim());
            }
            report.rejectedPermanently().forEach((address, reply) -> err.println("Refused " + address + ": " + reply));
            report.rejectedTemporarily().forEach((address, reply) ->
                    err.println("Refused for now " + address + ": " + reply));
            return report.complete() ? 0 : 1;
        } catch (InvalidMessageException e) {
            err.println("Not sent: " + e.getMessage());
            return 1;
        } catch (DeliveryFailure e) {
            err.println("Not delivered: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Not sent: cannot read or write " + e.getMessage() + " (" + e.getClass().getSimpleName()
                    + "). Check the path and permissions.");
            return 1;
        } catch (RuntimeException e) {
            err.println("Not sent: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private String bodyText() throws IOException {
        return body.text != null ? body.text : Files.readString(body.file, StandardCharsets.UTF_8);
    }

    private IntakeSettings intakeSettings(RelaySettings settings) {
        // no attachment directories: send reads its attachments itself; the recipient limit is the default one
        return new IntakeSettings(settings.aliasDomain(), settings.get(RelayKeys.INTAKE_MAX_SIZE), List.of(), clock);
    }
}
