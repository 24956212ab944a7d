package dev.oauthsmtprelay.ops.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.delivery.smtp.TlsMode;

/**
 * The hub as {@code openssl s_client -starttls smtp} shows it: DNS, TCP, STARTTLS in the EHLO
 * reply, the certificate chain, whether the configured trust store trusts it and whether it is
 * issued for relay.smtp.host. Nothing secret is sent: the check quits right after the handshake.
 */
final class HubConnectionCheck implements RelayCheck {

    static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    @Override
    public List<CheckResult> run(CheckContext context) {
        SmtpSettings smtp = context.smtp().get().orElse(null);
        if (smtp == null || context.graph().isPresent()) {
            return List.of();
        }
        List<CheckResult> results = new ArrayList<>();
        String where = smtp.host() + ":" + smtp.port();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(smtp.host());
            results.add(CheckResult.pass("hub DNS " + smtp.host(), Arrays.stream(addresses)
                    .map(InetAddress::getHostAddress).collect(Collectors.joining(", "))));
        } catch (UnknownHostException e) {
            results.add(CheckResult.fail("hub DNS " + smtp.host(), "the name does not resolve",
                    "Check relay.smtp.host for typos (smtp.office365.com, smtp.gmail.com) and this machine's DNS "
                            + "resolver (/etc/resolv.conf)."));
            return results;
        }
        long started = System.nanoTime();
        Socket connected;
        try {
            connected = open(addresses, smtp);
        } catch (IOException e) {
            results.add(CheckResult.fail("hub TCP " + where, "cannot connect (" + e.getMessage() + ")",
                    "Check relay.smtp.port (587 for starttls, 465 for implicit) and that a firewall lets this "
                            + "machine reach " + where + " (e.g. nc -vz " + smtp.host() + " " + smtp.port() + ")."));
            return results;
        }
        try (Socket socket = connected) {
            results.add(CheckResult.pass("hub TCP " + where, "connected in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms"));
            if (smtp.tls() == TlsMode.STARTTLS && !startTls(socket, smtp, results)) {
                return results;
            }
            tls(context, socket, smtp, results);
        } catch (IOException e) {
            results.add(CheckResult.fail("hub " + where, "the connection broke (" + e.getMessage() + ")",
                    "Check relay.smtp.host, relay.smtp.port and relay.smtp.tls: is this an SMTP submission port?"));
        }
        return results;
    }

    /** Tries the addresses in DNS order, as the mail client does. */
    private static Socket open(InetAddress[] addresses, SmtpSettings smtp) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, smtp.port()), (int) smtp.connectTimeout().toMillis());
                socket.setSoTimeout((int) smtp.readTimeout().toMillis());
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        throw last;
    }

    /** Speaks EHLO on the plain socket and asks for STARTTLS; true when the socket is ready for the handshake. */
    private static boolean startTls(Socket socket, SmtpSettings smtp, List<CheckResult> results) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        String subject = "hub STARTTLS " + smtp.host() + ":" + smtp.port();
        List<String> greeting = reply(in);
        if (!greeting.get(greeting.size() - 1).startsWith("220")) {
            results.add(CheckResult.fail(subject, "the hub greeted with " + greeting.get(greeting.size() - 1),
                    "Check relay.smtp.host and relay.smtp.port; the hub does not accept connections now."));
            return false;
        }
        send(out, "EHLO " + localName());
        List<String> ehlo = reply(in);
        boolean offered = ehlo.stream().anyMatch(line -> line.length() > 4
                && line.substring(4).trim().toUpperCase(Locale.ROOT).startsWith("STARTTLS"));
        if (!offered) {
            results.add(CheckResult.fail(subject, "the EHLO reply does not offer STARTTLS (" + String.join(" | ", ehlo)
                    + ")", "The relay never logs in without TLS. Check relay.smtp.host and relay.smtp.port (587 at "
                    + "Microsoft 365 and Gmail); if the hub speaks TLS from the first byte, use relay.smtp.tls=implicit "
                    + "(port 465)."));
            quit(out);
            return false;
        }
        send(out, "STARTTLS");
        List<String> go = reply(in);
        if (!go.get(go.size() - 1).startsWith("220")) {
            results.add(CheckResult.fail(subject, "STARTTLS is offered but refused: " + go.get(go.size() - 1),
                    "Ask the hub's administrator; the relay cannot send without TLS."));
            return false;
        }
        results.add(CheckResult.pass(subject, "offered and accepted"));
        return true;
    }

    private static void tls(CheckContext context, Socket plain, SmtpSettings smtp, List<CheckResult> results)
            throws IOException {
        String where = smtp.host() + ":" + smtp.port();
        String trustName = smtp.trustStore().map(p -> "relay.smtp.trust-store " + p).orElse("the JVM trust store");
        InspectingTrustManager inspector;
        SSLSocket socket;
        try {
            inspector = new InspectingTrustManager(smtp.trustStore());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[] {inspector}, null);
            socket = (SSLSocket) ssl.getSocketFactory().createSocket(plain, smtp.host(), smtp.port(), true);
        } catch (GeneralSecurityException | RuntimeException e) {
            results.add(CheckResult.fail("hub TLS " + where, trustName + " cannot be used (" + e.getMessage() + ")",
                    "Give relay.smtp.trust-store a readable PEM bundle with the hub's CA certificate(s)."));
            return;
        }
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
        } catch (SSLException e) {
            results.add(CheckResult.fail("hub TLS " + where, "handshake failed (" + e.getMessage() + ")",
                    smtp.tls() == TlsMode.IMPLICIT ? "Check relay.smtp.tls: with implicit the hub must speak TLS from "
                            + "the first byte (port 465); use starttls for port 587."
                            : "The hub and Java have no TLS version or cipher in common; update the JVM or ask the "
                            + "hub's administrator."));
            return;
        }
        results.add(CheckResult.pass("hub TLS " + where, socket.getSession().getProtocol() + ", "
                + socket.getSession().getCipherSuite()));
        Instant now = context.clock().instant();
        X509Certificate[] chain = inspector.chain();
        for (int i = 0; i < chain.length; i++) {
            results.add(certificate(i, chain[i], now));
        }
        if (inspector.trustFailure() != null) {
            results.add(CheckResult.fail("hub certificate trust", "not trusted by " + trustName + " ("
                    + inspector.trustFailure().getMessage() + ")", "Set relay.smtp.trust-store to a PEM bundle holding "
                    + "the CA that issued the hub's certificate (the issuer above) or add that CA to it; see the chain "
                    + "with: openssl s_client -starttls smtp -connect " + where + " -showcerts"));
        } else {
            results.add(CheckResult.pass("hub certificate trust", "trusted by " + trustName));
            if (inspector.hostFailure() != null) {
                results.add(CheckResult.fail("hub certificate host name", "not issued for " + smtp.host() + " ("
                        + inspector.hostFailure().getMessage() + ")", "Set relay.smtp.host to a name the certificate "
                        + "is issued for (its subject or alternative names above)."));
            } else {
                results.add(CheckResult.pass("hub certificate host name", "issued for " + smtp.host()));
            }
        }
        try {
            quit(socket.getOutputStream());
        } finally {
            socket.close();
        }
    }

    private static CheckResult certificate(int index, X509Certificate certificate, Instant now) {
        Instant expiry = certificate.getNotAfter().toInstant();
        String subject = "hub certificate [" + index + "]";
        String detail = "subject " + certificate.getSubjectX500Principal().getName() + alternativeNames(certificate)
                + ", issuer " + certificate.getIssuerX500Principal().getName() + ", valid until " + expiry;
        Duration left = Duration.between(now, expiry);
        if (left.isNegative() || now.isBefore(certificate.getNotBefore().toInstant())) {
            return CheckResult.fail(subject, detail + " (not valid now)",
                    "The hub presents an expired or not yet valid certificate: tell the hub's administrator; check "
                            + "this machine's clock too.");
        }
        if (left.compareTo(EXPIRY_WARNING) < 0) {
            return CheckResult.warn(subject, detail + " (expires in " + left.toDays() + " days)",
                    "Tell the hub's administrator to renew the certificate before it expires.");
        }
        return CheckResult.pass(subject, detail);
    }

    private static String alternativeNames(X509Certificate certificate) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            return names == null ? "" : ", names " + names.stream().map(n -> String.valueOf(n.get(1)))
                    .collect(Collectors.joining(" "));
        } catch (java.security.cert.CertificateParsingException e) {
            return "";
        }
    }

    private static List<String> reply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the hub closed the connection" + (lines.isEmpty() ? "" : " after " + lines));
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private static void send(OutputStream out, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void quit(OutputStream out) {
        try {
            send(out, "QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
