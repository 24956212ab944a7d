package dev.oauthsmtprelay.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.ReceivedMessage;

/**
 * Everything the {@code demo} command needs besides the relay itself, on 127.0.0.1 and without any cloud account:
 * a Microsoft Entra look-alike token server ({@link SandboxTokenServer}) and an SMTP hub that, like Exchange Online,
 * requires STARTTLS and SASL XOAUTH2 with a token of that server ({@link XOAuth2SmtpHub}), plus the files a relay
 * needs to use them, written into a work directory:
 *
 * <pre>
 * workDir/relay.properties   configuration for the relay (credentials, alias domain, hub, trust store, dirs)
 * workDir/credentials.json   microsoft_app credentials of the sandbox application (rw-------)
 * workDir/hub-ca.pem         the hub's self-signed certificate, the relay's trust store
 * workDir/spool/             where a user drops *.eml / *.json files
 * workDir/data/              the relay's data directory
 * workDir/received/          every message the hub accepted, as n-message-id.eml (exact DATA bytes)
 * </pre>
 *
 * Starting again on the same directory rewrites the generated files (new ports and secret) and keeps
 * {@code received/}, {@code spool/} and {@code data/}; numbering in {@code received/} continues.
 */
public final class DemoSandbox implements AutoCloseable {

    /** The mail domain of the sandbox: alias domain, credentials "domain", hub's accepted mailboxes. */
    public static final String DOMAIN = "demo.example";
    /** {@code relay.default-sender} written into the configuration. */
    public static final String DEFAULT_SENDER = "relay@" + DOMAIN;

    static final String CONFIG_FILE = "relay.properties";
    static final String CREDENTIALS_FILE = "credentials.json";
    static final String TRUST_STORE_FILE = "hub-ca.pem";
    static final String SPOOL_DIR = "spool";
    static final String DATA_DIR = "data";
    static final String RECEIVED_DIR = "received";

    private static final Logger LOG = LoggerFactory.getLogger(DemoSandbox.class);
    private static final Pattern NUMBERED = Pattern.compile("^(\\d+)-.*\\.eml$");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path workDir;
    private final AtomicInteger receivedCounter;
    private volatile SandboxTokenServer tokenServer;
    private volatile XOAuth2SmtpHub hub;

    private DemoSandbox(Path workDir, int lastReceived) {
        this.workDir = workDir;
        this.receivedCounter = new AtomicInteger(lastReceived);
    }

    /**
     * Creates {@code workDir} (and spool/, data/, received/), starts the token server and the hub, and writes
     * relay.properties, credentials.json and hub-ca.pem. On failure everything started is stopped again.
     */
    public static DemoSandbox start(Path workDir) {
        Objects.requireNonNull(workDir, "workDir");
        try {
            Files.createDirectories(workDir);
            for (String dir : new String[] {SPOOL_DIR, DATA_DIR, RECEIVED_DIR}) {
                Files.createDirectories(workDir.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo directory " + workDir + " (" + e + ")", e);
        }
        DemoSandbox sandbox = new DemoSandbox(workDir, lastReceivedNumber(workDir.resolve(RECEIVED_DIR)));
        try {
            sandbox.startServers();
            sandbox.writeFiles();
            return sandbox;
        } catch (RuntimeException | Error e) {
            sandbox.close();
            throw e;
        }
    }

    /** Starts both servers side by side (RSA key generation and the hub's keytool run take ~0.5 s each). */
    private void startServers() {
        CompletableFuture<SandboxTokenServer> tokenServerStart = CompletableFuture.supplyAsync(
                SandboxTokenServer::start, runnable -> {
                    Thread t = new Thread(runnable, "demo-sandbox-start");
                    t.setDaemon(true);
                    t.start();
                });
        RuntimeException failure = null;
        try {
            hub = XOAuth2SmtpHub.builder()
                    .tlsMode(XOAuth2SmtpHub.TlsMode.STARTTLS_REQUIRED)
                    .certificate(XOAuth2SmtpHub.CertificateKind.LOCALHOST)
                    .rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                    .hubName("smtp." + DOMAIN)
                    .tokenValidator(this::acceptsToken)
                    .onMessage(this::store)
                    .start();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            tokenServer = tokenServerStart.join(); // assigned even when the hub failed, so close() stops it
        } catch (CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The hub's XOAUTH2 check: a mailbox of {@link #DOMAIN} and a valid token of the sandbox token server. */
    private boolean acceptsToken(String mailbox, String token) {
        SandboxTokenServer tokens = tokenServer;
        if (tokens == null) {
            return false; // still starting
        }
        if (!mailbox.toLowerCase(Locale.ROOT).endsWith("@" + DOMAIN)) {
            LOG.warn("Hub refused XOAUTH2 for {}: only mailboxes @{} exist here", mailbox, DOMAIN);
            return false;
        }
        var problem = tokens.problemWith(token);
        problem.ifPresent(p -> LOG.warn("Hub refused the XOAUTH2 token for {}: {}", mailbox, p));
        return problem.isEmpty();
    }

    // =====================================================================================================
    // generated files

    private void writeFiles() {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode credentials = json.createObjectNode();
            credentials.put("type", "microsoft_app");
            credentials.put("tenant_id", tokenServer.tenantId());
            credentials.put("client_id", tokenServer.clientId());
            credentials.put("client_secret", tokenServer.clientSecret());
            credentials.put("scope", SandboxTokenServer.SCOPE);
            credentials.put("token_endpoint", tokenServer.tokenEndpoint().toString());
            credentials.put("domain", DOMAIN);
            writeAtomically(credentialsFile(), json.writerWithDefaultPrettyPrinter().writeValueAsString(credentials)
                    + "\n", true);

            writeAtomically(trustStoreFile(), HubCertificates.toPem(hub.certificate()), false);

            Path base = workDir.toAbsolutePath().normalize();
            String properties = "# Generated by the oauth-smtp-relay demo sandbox; rewritten on every start.\n"
                    + "# The token server and the SMTP hub below run inside the demo process on 127.0.0.1.\n"
                    + "relay.credentials=" + escape(base.resolve(CREDENTIALS_FILE)) + "\n"
                    + "relay.alias-domain=" + DOMAIN + "\n"
                    + "relay.smtp.host=" + hub.hostName() + "\n"
                    + "relay.smtp.port=" + hub.port() + "\n"
                    + "relay.smtp.tls=starttls\n"
                    + "relay.smtp.trust-store=" + escape(base.resolve(TRUST_STORE_FILE)) + "\n"
                    + "relay.data.dir=" + escape(base.resolve(DATA_DIR)) + "\n"
                    + "relay.spool.dir=" + escape(base.resolve(SPOOL_DIR)) + "\n"
                    + "relay.default-sender=" + DEFAULT_SENDER + "\n"
                    + "relay.listener.enabled=true\n";
            writeAtomically(configFile(), properties, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo files into " + workDir + " (" + e + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the hub certificate", e);
        }
    }

    /** Writes a temporary file next to {@code target} (owner-only from the start if asked), then renames it. */
    private static void writeAtomically(Path target, String content, boolean ownerOnly) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = ownerOnly && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            if (!ownerOnly && posix) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            moveReplacing(tmp, target);
            if (ownerOnly && posix) {
                Files.setPosixFilePermissions(target, OWNER_ONLY);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A value for a .properties file: backslashes (Windows paths) doubled. */
    private static String escape(Path path) {
        return path.toString().replace("\\", "\\\\");
    }

    // =====================================================================================================
    // received messages

    /** The hub's onMessage hook: writes the exact DATA bytes to received/n-message-id.eml and logs one line. */
    private void store(ReceivedMessage message) {
        Path dir = receivedDir();
        String id = sanitise(messageId(message.data()));
        try {
            Path tmp = Files.createTempFile(dir, ".incoming-", ".tmp");
            try {
                Files.write(tmp, message.data());
                if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                }
                while (true) {
                    Path target = dir.resolve(receivedCounter.incrementAndGet() + "-" + id + ".eml");
                    try {
                        Files.move(tmp, target); // never replaces: another file with this number stays
                        LOG.info("Hub received message from {} for {} → {}", message.mailFrom(),
                                message.recipients(), target);
                        return;
                    } catch (FileAlreadyExistsException taken) {
                        // numbered by an earlier or concurrent sandbox on this directory: take the next number
                    }
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.error("Hub could not store the message from {} for {} in {}: {}", message.mailFrom(),
                    message.recipients(), dir, e.toString());
            throw new UncheckedIOException(e); // the hub answers 451, so the relay retries
        }
    }

    /** The Message-ID without angle brackets, or null. Only the header section is parsed. */
    static String messageId(byte[] data) {
        try {
            String value = new InternetHeaders(new ByteArrayInputStream(data)).getHeader("Message-ID", null);
            if (value == null) {
                return null;
            }
            value = value.trim();
            if (value.startsWith("<") && value.indexOf('>') > 0) {
                value = value.substring(1, value.indexOf('>'));
            }
            return value.isBlank() ? null : value;
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /** A file-name-safe form of a Message-ID: letters, digits, {@code . _ - @ +}; at most 100 characters. */
    static String sanitise(String messageId) {
        if (messageId == null) {
            return "no-message-id";
        }
        String safe = messageId.replaceAll("[^A-Za-z0-9._@+-]", "_").replaceAll("^[.]+", "");
        if (safe.length() > 100) {
            safe = safe.substring(0, 100);
        }
        return safe.isEmpty() ? "no-message-id" : safe;
    }

    private static int lastReceivedNumber(Path receivedDir) {
        try (Stream<Path> files = Files.list(receivedDir)) {
            return files.map(p -> NUMBERED.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> {
                        try {
                            return Integer.parseInt(m.group(1));
                        } catch (NumberFormatException e) {
                            return 0;
                        }
                    })
                    .max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + receivedDir + " (" + e + ")", e);
        }
    }

    // =====================================================================================================
    // accessors

    public Path workDir() {
        return workDir;
    }

    /** {@code workDir/relay.properties}: pass it to the relay as {@code --config}. */
    public Path configFile() {
        return workDir.resolve(CONFIG_FILE);
    }

    public Path credentialsFile() {
        return workDir.resolve(CREDENTIALS_FILE);
    }

    /** {@code workDir/hub-ca.pem}: the hub's certificate ({@code relay.smtp.trust-store}). */
    public Path trustStoreFile() {
        return workDir.resolve(TRUST_STORE_FILE);
    }

    public Path spoolDir() {
        return workDir.resolve(SPOOL_DIR);
    }

    public Path dataDir() {
        return workDir.resolve(DATA_DIR);
    }

    public Path receivedDir() {
        return workDir.resolve(RECEIVED_DIR);
    }

    public XOAuth2SmtpHub hub() {
        return hub;
    }

    public SandboxTokenServer tokenServer() {
        return tokenServer;
    }

    /**
     * What a new user needs to see once the relay runs too: the two servers, the generated files and how to send
     * the first message. Lines end with {@code \n}; the secret is not shown.
     */
    public String summary() {
        return "Demo sandbox (no cloud account involved, everything on 127.0.0.1):\n"
                + "  token server  " + tokenServer.tokenEndpoint() + "  (Microsoft Entra look-alike, application "
                + tokenServer.clientId() + ")\n"
                + "  SMTP hub      " + hub.hostName() + ":" + hub.port()
                + "  (requires STARTTLS and AUTH XOAUTH2 with a token from the token server)\n"
                + "  configuration " + configFile() + ", " + credentialsFile() + ", " + trustStoreFile() + "\n"
                + "Send a message by copying one into the spool directory, for example:\n"
                + "  cp config/demo-message.eml " + spoolDir() + "/\n"
                + "  cp config/demo-message.json " + spoolDir() + "/\n"
                + "or send one to the SMTP listener on 127.0.0.1:2525:\n"
                + "  curl smtp://127.0.0.1:2525 --mail-from qsysopr@demo.example --mail-rcpt someone@demo.example"
                + " --upload-file config/demo-message.eml\n"
                + "Delivered messages appear in " + receivedDir() + "/. Press Ctrl+C to stop.\n";
    }

    /** Stops the hub and the token server. Idempotent. Files stay. */
    @Override
    public synchronized void close() {
        if (hub != null) {
            hub.close();
        }
        if (tokenServer != null) {
            tokenServer.close();
        }
    }

    @Override
    public String toString() {
        return "DemoSandbox[" + workDir + ", hub " + (hub != null ? hub.hostName() + ":" + hub.port() : "-")
                + ", token server " + (tokenServer != null ? tokenServer.tokenEndpoint() : "-") + "]";
    }
}
