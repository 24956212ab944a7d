package dev.oauthsmtprelay.intake.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/** The networks clients may connect from ({@code relay.listener.allowed-networks}): CIDR blocks, IPv4 and IPv6. */
public final class ClientNetworks {

    private final List<Block> blocks;
    private final String text;

    private ClientNetworks(List<Block> blocks, String text) {
        this.blocks = List.copyOf(blocks);
        this.text = text;
    }

    /**
     * @param list comma-separated blocks such as {@code 10.0.0.0/8, 192.168.1.20, fd00::/8}; a bare address is one host
     * @throws ConfigurationException naming the entry that is not a block
     */
    public static ClientNetworks parse(String list) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : Arrays.stream(list.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList()) {
            blocks.add(Block.parse(entry));
        }
        if (blocks.isEmpty()) {
            throw new ConfigurationException(RelayKeys.LISTENER_ALLOWED_NETWORKS + " is empty: no client could connect. "
                    + "Name the networks of the senders, e.g. " + RelayKeys.LISTENER_ALLOWED_NETWORKS
                    + "=127.0.0.0/8,::1/128,10.1.0.0/16");
        }
        return new ClientNetworks(blocks, String.join(",", blocks.stream().map(Block::toString).toList()));
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = mapped(address.getAddress());
        return blocks.stream().anyMatch(block -> block.contains(bytes));
    }

    @Override
    public String toString() {
        return text;
    }

    /** An IPv4-mapped IPv6 address (::ffff:10.1.2.3) counts as the IPv4 address. */
    private static byte[] mapped(byte[] address) {
        if (address.length == 16) {
            boolean v4Mapped = address[10] == (byte) 0xff && address[11] == (byte) 0xff;
            for (int i = 0; i < 10 && v4Mapped; i++) {
                v4Mapped = address[i] == 0;
            }
            if (v4Mapped) {
                return Arrays.copyOfRange(address, 12, 16);
            }
        }
        return address;
    }

    private record Block(byte[] network, int prefix, String text) {

        static Block parse(String entry) {
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            byte[] address;
            try {
                if (!host.matches("[0-9A-Fa-f:.]+")) {
                    throw new UnknownHostException(host); // a name would be looked up in DNS: not allowed here
                }
                address = mapped(InetAddress.getByName(host).getAddress());
            } catch (UnknownHostException e) {
                throw invalid(entry, "\"" + host + "\" is not an IPv4 or IPv6 address");
            }
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw invalid(entry, "the prefix length must be 0 to " + bits);
                }
            }
            return new Block(address, prefix, entry);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static ConfigurationException invalid(String entry, String why) {
            return new ConfigurationException(RelayKeys.LISTENER_ALLOWED_NETWORKS + " entry \"" + entry + "\" is not a "
                    + "network: " + why + ". Write CIDR blocks such as 10.1.0.0/16 or fd00::/8, or single addresses.");
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
