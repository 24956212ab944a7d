package dev.oauthsmtprelay.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs for disk-fault tests: permission bits do not stop root (the build runs as root here), a full or
 * read-only file system does. Mounting needs CAP_SYS_ADMIN; without it the test is skipped with a message.
 */
final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code size} (for example "4m") on {@code mountPoint}, or skips the calling test. */
    static Tmpfs mountOrSkip(Path mountPoint, String size, String whatIsNotExercised) throws Exception {
        Files.createDirectories(mountPoint);
        boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): "
                + whatIsNotExercised + " is not exercised in this build");
        return new Tmpfs(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    void remount(String mode) throws Exception {
        int exit = run("mount", "-o", "remount," + mode, mountPoint.toString());
        if (exit != 0) {
            throw new IllegalStateException("remount," + mode + " of " + mountPoint + " failed with exit code " + exit);
        }
    }

    long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    int usedPercent() throws IOException {
        var store = Files.getFileStore(mountPoint);
        return (int) Math.round(100.0 * (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace());
    }

    /**
     * Writes {@code file} until at most {@code leaveFree} bytes are left, or the file system reports no space.
     *
     * @return the bytes written
     */
    long fill(Path file, long leaveFree) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                long room = usableBytes() - leaveFree;
                if (room <= 0) {
                    break;
                }
                int n = (int) Math.min(chunk.length, room);
                out.write(chunk, 0, n);
                out.flush();
                written += n;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return written;
    }

    @Override
    public void close() throws Exception {
        if (run("umount", mountPoint.toString()) != 0) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
