package dev.oauthsmtprelay.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.Map;

/** The files under src/test/resources/bad-input/ and the reason each must be rejected with. */
final class BadInputCorpus {

    static final String ATTACHMENT_DIR_PLACEHOLDER = "${ATTACHMENT_DIR}";

    private BadInputCorpus() {
    }

    /** File name → substring of the expected rejection reason, sorted by name. */
    static Map<String, String> expectedReasons() {
        Properties properties = new Properties();
        try (InputStream in = BadInputCorpus.class.getResourceAsStream("/bad-input/expected-reasons.properties")) {
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> reasons = new TreeMap<>();
        properties.forEach((name, reason) -> reasons.put((String) name, (String) reason));
        return reasons;
    }

    /** The file's bytes, with the attachment directory placeholder filled in. */
    static byte[] content(String name, Path attachmentDir) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of(BadInputCorpus.class.getResource("/bad-input/" + name).toURI()));
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (!text.contains(ATTACHMENT_DIR_PLACEHOLDER)) {
                return bytes;
            }
            return text.replace(ATTACHMENT_DIR_PLACEHOLDER, attachmentDir.toString()).getBytes(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
