package dev.oauthsmtprelay.app.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.ops.check.CheckContext;
import dev.oauthsmtprelay.ops.check.CheckResult;
import dev.oauthsmtprelay.ops.check.RelayChecks;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check configuration, directories, credentials, clock, tokens, the hub's TLS certificate and an "
                + "XOAUTH2 login for every sender mailbox, without sending mail. One line per check: PASS, WARN or "
                + "FAIL with the fix. Exit status 0 all passed, 1 something failed, 2 warnings only.")
class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    CheckCommand() {
        this(Clock.systemUTC());
    }

    CheckCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (var context = config.propertiesContext()) {
            List<CheckResult> results = RelayChecks.run(new CheckContext(RelaySettings.of(context), clock));
            for (CheckResult result : results) {
                out.println(String.format("%-4s  %s: %s", result.status(), result.subject(), result.detail()));
                if (result.fix() != null) {
                    out.println("      fix: " + result.fix());
                }
            }
            out.flush();
            return RelayChecks.exitStatus(results);
        }
    }
}
