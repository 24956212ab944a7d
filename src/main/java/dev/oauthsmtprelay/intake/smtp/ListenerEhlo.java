package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * The listener's EHLO reply. SubEthaSMTP's own one offers AUTH before STARTTLS unless TLS is required for every
 * client, which would invite a printer to send its password in the clear, and it leaves out PIPELINING although
 * its sessions read pipelined commands in order.
 */
final class ListenerEhlo extends BaseCommand {

    ListenerEhlo() {
        super("EHLO", "Introduce yourself.", "<hostname>");
    }

    @Override
    public void execute(String commandString, Session session) throws IOException {
        String[] args = getArgs(commandString);
        if (args.length < 2) {
            session.sendResponse("501 5.5.4 Syntax: EHLO hostname");
            return;
        }
        session.resetMailTransaction();
        session.setHelo(args[1]);
        List<String> lines = new ArrayList<>();
        lines.add(session.getServer().getHostName());
        lines.addAll(extensions(session.getServer(), session.isTLSStarted()));
        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            reply.append(i == 0 ? "" : "\r\n").append(i < lines.size() - 1 ? "250-" : "250 ").append(lines.get(i));
        }
        session.sendResponse(reply.toString());
    }

    /** The extensions offered on a connection, in the order clients usually see them. */
    static List<String> extensions(SMTPServer server, boolean tlsStarted) {
        List<String> extensions = new ArrayList<>();
        extensions.add("PIPELINING");
        if (server.getMaxMessageSize() > 0) {
            extensions.add("SIZE " + server.getMaxMessageSize());
        }
        extensions.add("8BITMIME");
        if (server.getEnableTLS() && !tlsStarted) {
            extensions.add("STARTTLS");
        }
        if (tlsStarted) {
            server.getAuthenticationHandlerFactory()
                    .map(factory -> factory.getAuthenticationMechanisms())
                    .filter(mechanisms -> !mechanisms.isEmpty())
                    .ifPresent(mechanisms -> extensions.add("AUTH " + String.join(" ", mechanisms)));
        }
        // Not ENHANCEDSTATUSCODES: some of SubEthaSMTP's own replies carry none. Not SMTPUTF8: delivery does not
        // negotiate it with the provider, so a non-ASCII address could be accepted here and then fail there.
        extensions.add("CHUNKING");
        return extensions;
    }
}
