package dev.oauthsmtprelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A spool file that a writer keeps appending to every 20 ms, as a slow or stuck upload does, until stopped. */
final class SlowUpload {

    private final Thread writer;

    private SlowUpload(Thread writer) {
        this.writer = writer;
    }

    /** Writes the header section of a message from billing@example.com, then appends a line every 20 ms. */
    static SlowUpload start(Path file) throws IOException {
        Files.writeString(file, "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: slow upload"
                + "\r\n\r\n");
        Thread writer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Files.writeString(file, "another line of a slow upload\r\n", StandardOpenOption.APPEND);
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "slow-writer");
        writer.start();
        return new SlowUpload(writer);
    }

    /** False once the writer has failed (the file was taken away under it, say). */
    boolean stillWriting() {
        return writer.isAlive();
    }

    /** The upload is complete from now on. */
    void stop() throws InterruptedException {
        writer.interrupt();
        writer.join();
    }
}
