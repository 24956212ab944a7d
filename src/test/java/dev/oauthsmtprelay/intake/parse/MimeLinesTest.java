package dev.oauthsmtprelay.intake.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A stream is split into exactly the lines a byte array is, whatever the line lengths and however it is read. */
class MimeLinesTest {

    private static final int MAX = MimeLines.MAX_LINE_BYTES;

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("CRLF lines", "a\r\nbb\r\n\r\nccc\r\n"),
                Arguments.of("LF lines, no line break at the end", "a\nbb\n\nccc"),
                Arguments.of("CR at the very end", "a\r\nb\r"),
                Arguments.of("bare CR inside a line", "a\rb\r\nc\n"),
                Arguments.of("line of exactly the cut", "x".repeat(MAX) + "\r\nafter\r\n"),
                Arguments.of("line one over the cut, with CRLF", "x".repeat(MAX + 1) + "\r\nafter\r\n"),
                Arguments.of("line two over the cut, with LF", "x".repeat(MAX + 2) + "\nafter\n"),
                Arguments.of("line three times the cut, then short ones",
                        "--b\r\n" + "y".repeat(3 * MAX + 7) + "\r\n--b--\r\n"),
                Arguments.of("long last line without line break", "a\r\n" + "z".repeat(2 * MAX + 3)));
    }

    @ParameterizedTest(name = "{0}, read {2} bytes at a time")
    @MethodSource("textsAndReadSizes")
    void should_split_a_stream_into_the_same_lines_as_an_array(String name, String text, int readSize)
            throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        List<String> fromArray = new ArrayList<>();
        MimeLines.forEach(bytes, 0, (b, start, end) -> fromArray.add(new String(b, start, end - start,
                StandardCharsets.US_ASCII)));
        List<String> fromStream = new ArrayList<>();
        MimeLines.forEach(new ShortReads(new ByteArrayInputStream(bytes), readSize), (b, start, end) ->
                fromStream.add(new String(b, start, end - start, StandardCharsets.US_ASCII)));

        assertThat(fromStream).isEqualTo(fromArray);
        assertThat(fromArray).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(MAX));
    }

    static Stream<Arguments> textsAndReadSizes() {
        return texts().flatMap(args -> Stream.of(1, 7, 4096, Integer.MAX_VALUE)
                .map(size -> Arguments.of(args.get()[0], args.get()[1], size)));
    }

    /** Returns at most {@code max} bytes per read, as a slow file or socket may. */
    private static final class ShortReads extends FilterInputStream {
        private final int max;

        ShortReads(InputStream in, int max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, max));
        }
    }
}
