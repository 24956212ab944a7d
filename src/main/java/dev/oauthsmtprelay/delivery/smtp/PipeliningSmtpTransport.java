package dev.oauthsmtprelay.delivery.smtp;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport with RFC 2920 command pipelining, used when the hub offers PIPELINING (Google's and
 * Microsoft's both do). Angus Mail sends each command and waits for its reply before the next, so a message cost
 * three round trips plus one per recipient. Here {@code MAIL FROM} goes out together with every {@code RCPT TO} and
 * {@code DATA}; Angus Mail then reads their replies one by one, in order, exactly as it would have, and only
 * skips sending the commands that are already on their way. A message costs two round trips.
 *
 * <p>When the transaction ends early (the hub refused the sender, or every recipient), the replies still owed for
 * the commands sent ahead are read before the next command goes out, so that replies and commands stay paired. If
 * the hub answered such a {@code DATA} with 354 it waits for a message that will not come: the connection is
 * closed without the final dot, which delivers nothing.
 */
final class PipeliningSmtpTransport extends SMTPTransport {

    private final boolean pipelining;
    private Address[] pipelinedRecipients; // of the message being sent, when it goes out pipelined
    private final Deque<String> sentAhead = new ArrayDeque<>(); // commands whose reply Angus Mail has not read yet

    PipeliningSmtpTransport(Session session, String protocol, boolean pipelining) {
        super(session, new URLName(protocol, null, -1, null, null, null), protocol, "smtps".equals(protocol));
        this.pipelining = pipelining && !notifyRequested(session, protocol) && !chunking(session, protocol);
    }

    /** True when the messages on this connection go out pipelined. */
    boolean pipelines() {
        return pipelining && supportsExtension("PIPELINING");
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        boolean pipeline = pipelines() && plainAddresses(addresses)
                && !(message instanceof SMTPMessage smtp && smtp.getNotifyOptions() != 0);
        pipelinedRecipients = pipeline ? addresses : null;
        try {
            super.sendMessage(message, addresses);
        } finally {
            pipelinedRecipients = null;
        }
    }

    @Override
    protected void sendCommand(String command) throws MessagingException {
        if (!sentAhead.isEmpty()) {
            if (sentAhead.peekFirst().equals(command)) {
                sentAhead.removeFirst(); // already sent; its reply is the next one in the stream
                return;
            }
            readRepliesOwed();
        }
        super.sendCommand(command);
        if (pipelinedRecipients != null && command.startsWith("MAIL FROM:")) {
            for (Address recipient : pipelinedRecipients) {
                sendAhead("RCPT TO:" + bracketed(((InternetAddress) recipient).getAddress()));
            }
            sendAhead("DATA");
        }
    }

    private void sendAhead(String command) throws MessagingException {
        super.sendCommand(command);
        sentAhead.add(command);
    }

    /** Reads and drops the replies to commands sent ahead that Angus Mail did not get to. */
    private void readRepliesOwed() throws MessagingException {
        boolean hubAwaitsData = false;
        while (!sentAhead.isEmpty()) {
            String command = sentAhead.removeFirst();
            int code = readServerResponse();
            hubAwaitsData |= "DATA".equals(command) && code == 354;
        }
        if (hubAwaitsData) {
            throw new MessagingException("The hub accepted DATA for a transaction that ended early; closing the"
                    + " connection so that nothing is delivered. If this repeats, the hub mishandles pipelined"
                    + " commands: set relay.smtp.pipelining=false",
                    new IOException("pipelined DATA accepted, message not sent"));
        }
    }

    /** Angus Mail expands group addresses itself, and its RCPT TO line would then differ from the one sent ahead. */
    private static boolean plainAddresses(Address[] addresses) {
        if (addresses == null || addresses.length == 0) {
            return false;
        }
        for (Address address : addresses) {
            if (!(address instanceof InternetAddress internet) || internet.isGroup()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Angus Mail adds {@code NOTIFY=} to each RCPT TO when a DSN request is set: here in the session, or on the
     * message ({@link #sendMessage}). The relay sets none.
     */
    private static boolean notifyRequested(Session session, String protocol) {
        return session.getProperty("mail." + protocol + ".dsn.notify") != null;
    }

    /** With a chunk size set and CHUNKING offered, Angus Mail sends BDAT instead of DATA. */
    private static boolean chunking(Session session, String protocol) {
        String size = session.getProperty("mail." + protocol + ".chunksize");
        return size != null && !size.isBlank() && !"0".equals(size.trim());
    }

    /** As Angus Mail writes an address in MAIL FROM and RCPT TO. */
    private static String bracketed(String address) {
        return !address.startsWith("<") && !address.endsWith(">") ? "<" + address + ">" : address;
    }
}
