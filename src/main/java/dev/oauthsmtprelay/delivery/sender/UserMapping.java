package dev.oauthsmtprelay.delivery.sender;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.oauthsmtprelay.config.ConfigurationException;

/**
 * Which mailbox a local sender relays as: the equivalent of IBM i's
 * {@code ADDUSRSMTP USRPRF(..) ALIAS(..)}, read from the file named by {@code relay.users}.
 *
 * <h2>File format</h2>
 * A UTF-8 text file with one mapping per line:
 * <pre>
 * # IBM i user profiles (matched against the local part of the From address, any domain)
 * QSYSOPR  = operator@example.com
 * PAYROLL  = payroll@example.com
 *
 * # full sender addresses (matched against the whole From address)
 * batch@erp.internal = erp-notifications@example.com   # the nightly ERP jobs
 * </pre>
 * <ul>
 *   <li>{@code local-sender = mailbox}: the left side is either an IBM i user profile (no
 *       {@code @}), matched case-insensitively against the local part of the From address whatever
 *       its domain, so {@code QSYSOPR} matches {@code qsysopr@ibmi.local} and {@code QSYSOPR@as400};
 *       or a full address, matched case-insensitively against the whole From address. A full
 *       address is tried before a user profile.</li>
 *   <li>The right side is the bare mailbox the relay authenticates as (the XOAUTH2 user and MAIL
 *       FROM). It must be in the alias domain ({@code relay.alias-domain}, IBM i's
 *       {@code ALIASDMN}) or another domain a credentials file serves; subdomains do not count. The
 *       providers only issue tokens for mailboxes of those domains, so any other mailbox could never be used.</li>
 *   <li>Lines that are empty or start with {@code #} are ignored; {@code #} after white space
 *       starts a comment too. Spaces around {@code =} are optional.</li>
 *   <li>Each local sender may appear once (compared ignoring case).</li>
 * </ul>
 * Every problem is reported with its line number when the relay starts; nothing is half-loaded.
 * Mailboxes are kept lower-case.
 */
public final class UserMapping {

    /** Characters of an unquoted local part (RFC 5322 atext and dot); IBM i profile names fit in it. */
    private static final Pattern USER_PROFILE = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+");
    private static final Pattern COMMENT = Pattern.compile("\\s#.*$");
    private static final UserMapping EMPTY = new UserMapping(null, Map.of(), Map.of());

    private final Path file;
    private final Map<String, String> byAddress;
    private final Map<String, String> byUserProfile;

    private UserMapping(Path file, Map<String, String> byAddress, Map<String, String> byUserProfile) {
        this.file = file;
        this.byAddress = Map.copyOf(byAddress);
        this.byUserProfile = Map.copyOf(byUserProfile);
    }

    /** No mappings: used when relay.users is not set. */
    public static UserMapping empty() {
        return EMPTY;
    }

    /**
     * Reads and validates the mapping file.
     *
     * @throws InvalidUserMappingException listing every bad line
     * @throws ConfigurationException      when the file is missing or unreadable
     */
    public static UserMapping load(Path file, String aliasDomain) {
        return load(file, List.of(aliasDomain));
    }

    /**
     * Reads and validates the mapping file; mailboxes may be in any of the served domains.
     *
     * @param servedDomains the domains the relay's accounts serve, relay.alias-domain first
     */
    public static UserMapping load(Path file, List<String> servedDomains) {
        Objects.requireNonNull(file, "file");
        String aliasDomain = servedDomains.get(0);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("relay.users names " + file.toAbsolutePath() + ", which does not exist. "
                    + "Create it with lines such as QSYSOPR = operator@" + aliasDomain + ", or remove relay.users.");
        } catch (CharacterCodingException e) {
            throw new ConfigurationException("User mapping file " + file.toAbsolutePath() + " (relay.users) is not "
                    + "UTF-8 text. Save it as UTF-8 (plain ASCII is fine).");
        } catch (AccessDeniedException e) {
            throw new ConfigurationException("User mapping file " + file.toAbsolutePath() + " (relay.users) cannot be "
                    + "read: access denied. Let the relay's user read it.");
        } catch (IOException e) {
            throw new ConfigurationException("User mapping file " + file.toAbsolutePath() + " (relay.users) cannot be "
                    + "read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "). Check relay.users.", e);
        }
        return parse(lines, file, servedDomains);
    }

    /**
     * Validates mapping lines; {@code file} is only used in messages and may be null.
     *
     * @throws InvalidUserMappingException listing every bad line
     */
    public static UserMapping parse(List<String> lines, Path file, String aliasDomain) {
        Objects.requireNonNull(aliasDomain, "aliasDomain");
        return parse(lines, file, List.of(aliasDomain));
    }

    /** As {@link #parse(List, Path, String)}, with mailboxes in any of the served domains (alias domain first). */
    public static UserMapping parse(List<String> lines, Path file, List<String> servedDomains) {
        List<String> domains = servedDomains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT)).toList();
        Map<String, String> byAddress = new LinkedHashMap<>();
        Map<String, String> byUserProfile = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            line = COMMENT.matcher(line).replaceFirst("").trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String problem = problemWith(line, domains);
            if (problem != null) {
                problems.add("line " + lineNumber + ": " + problem);
                continue;
            }
            int equals = line.indexOf('=');
            String key = line.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String mailbox = line.substring(equals + 1).trim().toLowerCase(Locale.ROOT);
            Integer earlier = firstLine.putIfAbsent(key, lineNumber);
            if (earlier != null) {
                problems.add("line " + lineNumber + ": duplicate local sender " + line.substring(0, equals).trim()
                        + ", already mapped on line " + earlier + " (names are compared ignoring case). "
                        + "Keep one of the two lines.");
                continue;
            }
            (isAddressKey(key) ? byAddress : byUserProfile).put(key, mailbox);
        }
        if (!problems.isEmpty()) {
            throw new InvalidUserMappingException(file == null ? "(relay.users)" : file.toAbsolutePath().toString(),
                    problems);
        }
        return new UserMapping(file, byAddress, byUserProfile);
    }

    private static String problemWith(String line, List<String> domains) {
        String domain = domains.get(0);
        int equals = line.indexOf('=');
        String example = "write local-sender = mailbox@" + domain + ", where local-sender is an IBM i user profile "
                + "(QSYSOPR) or a full sender address (batch@erp.internal)";
        if (equals < 0) {
            return "malformed line \"" + shorten(line) + "\": no '='; " + example + ".";
        }
        String key = line.substring(0, equals).trim();
        String mailbox = line.substring(equals + 1).trim();
        if (key.isEmpty() || mailbox.isEmpty()) {
            return "malformed line \"" + shorten(line) + "\": the " + (key.isEmpty() ? "local sender" : "mailbox")
                    + " is missing; " + example + ".";
        }
        if (isAddressKey(key)) {
            if (!Mailboxes.isBareAddress(key)) {
                return "malformed line: local sender \"" + shorten(key) + "\" is not a valid address; write a bare "
                        + "address such as batch@erp.internal, or an IBM i user profile without '@'.";
            }
        } else if (!USER_PROFILE.matcher(key).matches()) {
            return "malformed line: local sender \"" + shorten(key) + "\" is neither a user profile nor an address "
                    + "(it contains spaces or characters such as , ; < > \" ); " + example + ".";
        }
        if (!Mailboxes.isBareAddress(mailbox)) {
            return "invalid mailbox \"" + shorten(mailbox) + "\" for " + key + ": write the bare mailbox, e.g. "
                    + "operator@" + domain + " (no display name, no <>, no spaces).";
        }
        String mailboxDomain = Mailboxes.domainOf(mailbox);
        if (domains.size() == 1 && !mailboxDomain.equals(domain)) {
            return "mailbox " + mailbox + " for " + key + " is outside the alias domain " + domain
                    + " (relay.alias-domain): the provider could never issue a token for it, so every message from "
                    + key + " would fail. Use a mailbox @" + domain + ".";
        }
        if (!domains.contains(mailboxDomain)) {
            return "mailbox " + mailbox + " for " + key + " is outside the domains the credentials files serve ("
                    + String.join(", ", domains) + "): no account could get a token for it, so every message from "
                    + key + " would fail. Use a mailbox of one of them, or add " + mailboxDomain + " to the \"domains\" "
                    + "of the file whose tenant or Workspace serves it.";
        }
        return null;
    }

    private static boolean isAddressKey(String key) {
        return key.indexOf('@') >= 0;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** The mailbox mapped to this full sender address (ignoring case). */
    public Optional<String> mailboxForAddress(String address) {
        return address == null ? Optional.empty()
                : Optional.ofNullable(byAddress.get(address.trim().toLowerCase(Locale.ROOT)));
    }

    /** The mailbox mapped to this user profile / local part (ignoring case). */
    public Optional<String> mailboxForUserProfile(String userProfile) {
        return userProfile == null ? Optional.empty()
                : Optional.ofNullable(byUserProfile.get(userProfile.trim().toLowerCase(Locale.ROOT)));
    }

    /** The file the mappings came from; empty for {@link #empty()} or lines parsed without a file. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public int size() {
        return byAddress.size() + byUserProfile.size();
    }

    /** Every mailbox some sender is mapped to, sorted, each once. */
    public java.util.SortedSet<String> mailboxes() {
        java.util.SortedSet<String> mailboxes = new java.util.TreeSet<>(byAddress.values());
        mailboxes.addAll(byUserProfile.values());
        return mailboxes;
    }

    public boolean isEmpty() {
        return size() == 0;
    }
}
