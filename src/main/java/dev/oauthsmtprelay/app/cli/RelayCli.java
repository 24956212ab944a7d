package dev.oauthsmtprelay.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.oauthsmtprelay.config.RelayVersion;
import dev.oauthsmtprelay.delivery.smtp.MailStreamProviderLookup;

/** Entry point of the runnable jar. */
@Command(name = "oauth-smtp-relay", mixinStandardHelpOptions = true, versionProvider = RelayCli.Version.class,
        description = "Relays mail from spool directories and JMS queues to Google Workspace and Microsoft 365 "
                + "over SMTP with OAuth 2.0 (XOAUTH2).",
        subcommands = {RunCommand.class, TokenCommand.class, DeadLetterCommand.class, SendCommand.class, CheckCommand.class, StatusCommand.class, QueueCommand.class, ListenerUserCommand.class, CommandLine.HelpCommand.class})
public class RelayCli {

    public static void main(String[] args) {
        MailStreamProviderLookup.nameAngusProvider();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new RelayCli());
    }

    /** {@code --version}: the build's version, and the Java running it (what a support request needs first). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"oauth-smtp-relay " + RelayVersion.get(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                            + System.getProperty("java.home") + ")"};
        }
    }
}
