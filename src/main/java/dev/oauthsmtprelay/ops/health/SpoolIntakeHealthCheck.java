package dev.oauthsmtprelay.ops.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.intake.spool.SpoolFileReads;
import dev.oauthsmtprelay.intake.spool.SpoolPollWatch;

/**
 * Ready while the spool intake runs. A spool file whose read has stalled past {@code relay.spool.read-timeout} does
 * not make the relay unready (the intake goes on with the other files), but the check names every such file and
 * since when, so a stalled share under the spool shows here as well as in its log line. A poll that has not returned
 * ({@link SpoolPollWatch}) is named the same way; the relay stays ready, as it still delivers and takes other intake.
 */
public final class SpoolIntakeHealthCheck extends ReadinessCheck {

    private final SpoolFileReads reads;
    private final SpoolPollWatch polls;

    public SpoolIntakeHealthCheck(SpoolFileReads reads, SpoolPollWatch polls) {
        super("spool-intake");
        this.reads = reads;
        this.polls = polls;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<SpoolFileReads.Stall> stalled = reads.stalled();
        builder.detail("stalledReads", stalled.size());
        Optional<Instant> stuck = polls.stuckSince();
        stuck.ifPresent(since -> builder.detail("pollStuckSince", since.toString()));
        builder.up();
        List<String> problems = new ArrayList<>();
        stuck.ifPresent(since -> problems.add("the spool poll has not returned since " + since
                + " (relay.spool.read-timeout), so no spool file is taken; the files stay in the spool"));
        if (!stalled.isEmpty()) {
            problems.add(stalled.size() + " spool file read(s) have not returned (relay.spool.read-timeout); the "
                    + "files stay in the spool: " + stalled.stream().map(stall -> stall.file() + " since "
                    + stall.since()).collect(Collectors.joining(", ")));
        }
        if (!problems.isEmpty()) {
            builder.message((stuck.isPresent() ? "" : "The intake goes on, but ") + String.join("; ", problems)
                    + ". Check the spool's file system (a stalled NFS or SMB mount) and its writers.");
        }
    }
}
