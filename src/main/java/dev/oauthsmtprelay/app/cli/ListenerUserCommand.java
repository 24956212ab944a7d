package dev.oauthsmtprelay.app.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import dev.oauthsmtprelay.intake.smtp.ListenerUsers;

/**
 * {@code listener-user add|remove|list}: the SMTP listener's users file ({@code relay.listener.users}). The password
 * is read from the terminal without echo, or from standard input with {@code --password-stdin}; never an argument,
 * which other users could read in the process list.
 */
@Command(name = "listener-user", mixinStandardHelpOptions = true,
        description = "Manage the SMTP listener's users (relay.listener.users, salted PBKDF2 hashes).",
        subcommands = {ListenerUserCommand.Add.class, ListenerUserCommand.Remove.class, ListenerUserCommand.List.class})
class ListenerUserCommand {

    static class FileOption {
        @Option(names = "--users", paramLabel = "FILE", required = true,
                description = "The users file (relay.listener.users).")
        Path file;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user, or set a new password.")
    static class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption users;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean fromStdin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            char[] password = password();
            if (password == null || password.length < 8) {
                spec.commandLine().getErr().println("The password must have at least 8 characters.");
                return 1;
            }
            ListenerUsers.loadOrEmpty(users.file).with(name, password).save(users.file);
            java.util.Arrays.fill(password, '\0');
            spec.commandLine().getOut().println("User " + name + " saved in " + users.file.toAbsolutePath());
            return 0;
        }

        private char[] password() throws Exception {
            Console console = System.console();
            if (!fromStdin && console != null) {
                char[] first = console.readPassword("Password for %s: ", name);
                char[] again = console.readPassword("Again: ");
                return java.util.Arrays.equals(first, again) ? first : null;
            }
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? null : line.toCharArray();
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption users;

        @Parameters(paramLabel = "NAME")
        String name;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ListenerUsers current = ListenerUsers.loadOrEmpty(users.file);
            if (!current.contains(name)) {
                spec.commandLine().getErr().println("No user " + name + " in " + users.file.toAbsolutePath());
                return 1;
            }
            current.without(name).save(users.file);
            spec.commandLine().getOut().println("User " + name + " removed from " + users.file.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users (names only).")
    static class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        FileOption users;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ListenerUsers.loadOrEmpty(users.file).names().forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }
}
