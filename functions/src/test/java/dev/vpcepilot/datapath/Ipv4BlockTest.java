package dev.vpcepilot.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4BlockTest {

    @Test
    void aBlockIsTheRangeItsPrefixCovers() {
        Ipv4Block block = Ipv4Block.parse("52.94.0.0/22");
        assertEquals((52L << 24) | (94L << 16), block.first());
        assertEquals(block.first() + 1023, block.last());
        assertEquals(1024, block.size());
        assertEquals(1L << 32, Ipv4Block.parse("0.0.0.0/0").size());
        assertEquals(1, Ipv4Block.parse("255.255.255.255/32").size());
        assertEquals(0xFFFFFFFFL, Ipv4Block.parse("255.255.255.255/32").first());
    }

    @Test
    void hostBitsAreMaskedAsEc2Would() {
        assertEquals(Ipv4Block.parse("10.0.0.0/8").first(), Ipv4Block.parse("10.1.2.3/8").first());
    }

    @Test
    void containmentIsOfTheWholeBlock() {
        Ipv4Block slash22 = Ipv4Block.parse("52.94.0.0/22");
        assertTrue(slash22.contains(Ipv4Block.parse("52.94.3.0/24")));
        assertTrue(slash22.contains(slash22));
        assertFalse(slash22.contains(Ipv4Block.parse("52.94.4.0/24")));
        assertFalse(slash22.contains(Ipv4Block.parse("52.94.0.0/21")));
        assertTrue(Ipv4Block.parse("0.0.0.0/0").contains(slash22));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2600:1f00::/40", "::/0", "52.94.0.0", "52.94.0.256/24", "52.94.0.0/33", "pl-1", ""})
    void anythingElseIsNoIpv4Block(String text) {
        assertNull(Ipv4Block.parseOrNull(text));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Block.parse(text));
    }
}
