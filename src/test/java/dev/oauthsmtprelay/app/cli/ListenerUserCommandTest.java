package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.intake.smtp.ListenerUsers;

class ListenerUserCommandTest {

    @TempDir
    Path dir;

    @Test
    void add_stores_a_salted_hash_that_verifies_and_remove_takes_the_user_out() throws Exception {
        Path users = dir.resolve("listener-users");
        assertThat(run("correct horse\n", "listener-user", "add", "--users", users.toString(), "--password-stdin",
                "printer")).isZero();
        String file = Files.readString(users);
        assertThat(file).startsWith("printer:pbkdf2-sha256:").doesNotContain("correct horse");
        assertThat(ListenerUsers.load(users).verify("printer", "correct horse")).isTrue();
        assertThat(ListenerUsers.load(users).verify("printer", "correct horsE")).isFalse();

        assertThat(run("", "listener-user", "remove", "--users", users.toString(), "printer")).isZero();
        assertThat(ListenerUsers.load(users).contains("printer")).isFalse();
        assertThat(run("", "listener-user", "remove", "--users", users.toString(), "printer")).isEqualTo(1);
    }

    private static int run(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            CommandLine cli = new CommandLine(new RelayCli());
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(new StringWriter()));
            return cli.execute(args);
        } finally {
            System.setIn(original);
        }
    }
}
