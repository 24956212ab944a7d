package dev.oauthsmtprelay.ops.health;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.intake.spool.SpoolFileReads;

/**
 * Ready while the spool intake runs. A spool file whose read has stalled past {@code relay.spool.read-timeout} does
 * not make the relay unready (the intake goes on with the other files), but the check names every such file and
 * since when, so a stalled share under the spool shows here as well as in its log line.
 */
public final class SpoolIntakeHealthCheck extends ReadinessCheck {

    private final SpoolFileReads reads;

    public SpoolIntakeHealthCheck(SpoolFileReads reads) {
        super("spool-intake");
        this.reads = reads;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<SpoolFileReads.Stall> stalled = reads.stalled();
        builder.detail("stalledReads", stalled.size());
        builder.up();
        if (!stalled.isEmpty()) {
            builder.message("The intake goes on, but " + stalled.size() + " spool file read(s) have not returned "
                    + "(relay.spool.read-timeout); the files stay in the spool: " + stalled.stream()
                    .map(stall -> stall.file() + " since " + stall.since()).collect(Collectors.joining(", "))
                    + ". Check the spool's file system (a stalled NFS or SMB mount).");
        }
    }
}
