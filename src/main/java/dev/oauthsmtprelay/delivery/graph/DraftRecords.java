package dev.oauthsmtprelay.delivery.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.message.AtomicFiles;

/**
 * The Graph draft of each message being sent on the draft path, in {@code <relay.data.dir>/graph-drafts/}: written
 * (and synced) as soon as Graph created the draft and again at each step, removed when the message leaves the queue.
 * A retry, after a timeout or a restart, finds the draft there instead of creating a second one. The key is the relay
 * id and the attempt's recipients: a copy queued for other recipients gets a draft of its own.
 */
final class DraftRecords {

    enum Step {
        /** The draft exists; attachments may be missing. */
        CREATED,
        /** Every attachment was added; the draft only needs sending. */
        ATTACHED,
        /** Graph answered 202 to send. */
        SENT
    }

    record Draft(String mailbox, String id, Step step) {
    }

    private final Path dir;

    DraftRecords(Path dir) {
        this.dir = dir;
    }

    Optional<Draft> find(String relayId, List<String> recipients) {
        try {
            List<String> lines = Files.readAllLines(file(relayId, recipients), StandardCharsets.UTF_8);
            return lines.size() < 3 ? Optional.empty()
                    : Optional.of(new Draft(lines.get(0), lines.get(1), Step.valueOf(lines.get(2))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    void save(String relayId, List<String> recipients, Draft draft) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(file(relayId, recipients), (draft.mailbox() + "\n" + draft.id() + "\n" + draft.step() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    void remove(String relayId, List<String> recipients) {
        try {
            Files.deleteIfExists(file(relayId, recipients));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(String relayId, List<String> recipients) {
        return dir.resolve(relayId.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + digest(recipients) + ".draft");
    }

    private static String digest(List<String> recipients) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(String.join(",", recipients.stream().sorted().toList()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
