package dev.vpcepilot.datapath;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 CIDR block as the inclusive range of addresses it covers. The functions carry no IP library (their
 * artifact is kept small), and route priority and network ACLs need only parsing, containment and intersection.
 *
 * @param first the first address, as an unsigned 32-bit number
 * @param last  the last address
 * @param text  the block as written ({@code 52.94.0.0/22})
 */
public record Ipv4Block(long first, long last, String text) {

    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    /** The block a CIDR names, or null when the text is no IPv4 CIDR (an IPv6 one, say). */
    public static Ipv4Block parseOrNull(String cidr) {
        if (cidr == null) {
            return null;
        }
        Matcher m = CIDR.matcher(cidr.trim());
        if (!m.matches()) {
            return null;
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                return null;
            }
            address = (address << 8) | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix > 32) {
            return null;
        }
        long size = 1L << (32 - prefix);
        long first = address & ~(size - 1) & 0xFFFFFFFFL;
        return new Ipv4Block(first, first + size - 1, cidr.trim());
    }

    /** The block a CIDR names; a text that is no IPv4 CIDR is an {@link IllegalArgumentException}. */
    public static Ipv4Block parse(String cidr) {
        Ipv4Block block = parseOrNull(cidr);
        if (block == null) {
            throw new IllegalArgumentException("Not an IPv4 CIDR block: " + cidr);
        }
        return block;
    }

    public boolean contains(Ipv4Block other) {
        return first <= other.first && other.last <= last;
    }

    public boolean containsAddress(long address) {
        return first <= address && address <= last;
    }

    public long size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return text;
    }
}
