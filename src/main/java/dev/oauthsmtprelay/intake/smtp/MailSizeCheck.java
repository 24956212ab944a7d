package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

/**
 * Checks MAIL FROM's {@code SIZE=} before SubEthaSMTP's MAIL command sees it, so that the refusal names
 * {@code relay.listener.max-message-size} and is counted. SubEthaSMTP alone answers without the setting, ignores a
 * SIZE followed by other parameters, and fails on a size beyond {@code int}.
 */
final class MailSizeCheck implements Command {

    private static final Pattern SIZE = Pattern.compile("(?i)\\sSIZE=(\\S*)");

    private final Command mail;
    private final ListenerStats stats;

    MailSizeCheck(Command mail, ListenerStats stats) {
        this.mail = mail;
        this.stats = stats;
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        Matcher size = SIZE.matcher(commandString);
        if (size.find() && commandString.toUpperCase(Locale.ROOT).startsWith("MAIL FROM:")) {
            String declared = size.group(1);
            if (!declared.matches("[0-9]{1,18}")) {
                session.sendResponse("501 5.5.4 SIZE=" + declared + " is not a number of bytes");
                return;
            }
            int limit = session.getServer().getMaxMessageSize();
            if (limit > 0 && Long.parseLong(declared) > limit) {
                Refusal refusal = Refusal.tooLarge(limit);
                stats.refused(refusal.reason());
                session.sendResponse(refusal.code() + " " + refusal.text());
                return;
            }
        }
        mail.execute(commandString, session);
    }

    @Override
    public HelpMessage getHelp() throws CommandException {
        return mail.getHelp();
    }

    @Override
    public String getName() {
        return mail.getName();
    }
}
