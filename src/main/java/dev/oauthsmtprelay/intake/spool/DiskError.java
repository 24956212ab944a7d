package dev.oauthsmtprelay.intake.spool;

import java.util.Locale;
import java.util.Optional;

/**
 * The disk conditions an administrator has to fix (read-only, full, over quota), recognised in an exception's
 * cause chain.
 */
public enum DiskError {

    READ_ONLY("read-only file system", "read-only"),
    FULL("no space left on device", "full"),
    QUOTA("disk quota exceeded", "over its disk quota");

    private final String errorText;
    private final String state;

    DiskError(String errorText, String state) {
        this.errorText = errorText;
        this.state = state;
    }

    /** How the directory is, for a sentence such as "the spool directory is read-only". */
    public String state() {
        return state;
    }

    /**
     * The JDK reports EROFS, ENOSPC and EDQUOT only as text ({@code FileSystemException.getReason()} or the message
     * of an {@code IOException}), so the text is what can be matched.
     */
    public static Optional<DiskError> in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            for (DiskError candidate : values()) {
                if (text.contains(candidate.errorText)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
