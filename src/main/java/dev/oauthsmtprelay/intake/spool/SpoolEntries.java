package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * What the intake refuses to open in the spool, told from the entry's own attributes (never following a link):
 * a symbolic link could make the relay mail out any file it can read (/etc/shadow, the credentials file), and a FIFO,
 * socket or device could block the intake thread on open or read for good. Such an entry is moved aside, unopened.
 */
final class SpoolEntries {

    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;

    private SpoolEntries() {
    }

    static void refuseWhatIsNotARegularFile(Path entry, String name) throws InvalidMessageException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return; // gone or unreadable: reading the file reports it
        }
        if (attributes.isSymbolicLink()) {
            throw new InvalidMessageException("symbolic link refused: \"" + name + "\" is a link, and the relay reads "
                    + "only regular files from the spool so that a link cannot make it send a file from elsewhere; "
                    + "write the message itself into the spool directory");
        }
        if (attributes.isOther()) {
            throw new InvalidMessageException("not a regular file: \"" + name + "\" is a " + kind(entry) + ", which "
                    + "the relay does not open (it could block the intake for good); write each message as a regular "
                    + "file into the spool directory, and remove this entry");
        }
    }

    private static String kind(Path entry) {
        try {
            int mode = (Integer) Files.getAttribute(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & TYPE_MASK) {
                case FIFO -> "FIFO (named pipe)";
                case SOCKET -> "socket";
                case CHARACTER_DEVICE -> "character device";
                case BLOCK_DEVICE -> "block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "special file (FIFO, socket or device)";
        }
    }
}
