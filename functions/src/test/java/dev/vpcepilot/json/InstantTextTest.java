package dev.vpcepilot.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    private static final TypeReference<Map<String, Instant>> TIMES = new TypeReference<>() {
    };

    record Stamped(Instant at) {
    }

    @Test
    void anInstantIsTheTextInstantToStringWritesWithTheFractionAsItNeedsIt() throws Exception {
        Map<String, Instant> times = Map.of("a", Instant.parse("2026-01-10T10:15:00Z"));
        assertEquals("{\"a\":\"2026-01-10T10:15:00Z\"}", Json.MAPPER.writeValueAsString(times));
        for (String text : new String[] {"2026-01-10T10:15:00Z", "2026-01-10T10:15:00.120Z",
                "2026-01-10T10:15:00.123456Z", "2026-01-10T10:15:00.123456789Z", "1970-01-01T00:00:00Z"}) {
            String json = "{\"at\":\"" + text + "\"}";
            Stamped read = Json.MAPPER.readValue(json, Stamped.class);
            assertEquals(Instant.parse(text), read.at());
            assertEquals(json, Json.MAPPER.writeValueAsString(read), "written back as it was read");
        }
    }

    @Test
    void aNullTimeStaysNull() throws Exception {
        assertNull(Json.MAPPER.readValue("{\"at\":null}", Stamped.class).at());
        assertEquals("{\"at\":null}", Json.MAPPER.writeValueAsString(new Stamped(null)));
    }

    @Test
    void textThatIsNotAnInstantIsRefusedAsJsonThatDoesNotMap() {
        assertThrows(JsonMappingException.class, () -> Json.MAPPER.readValue("{\"at\":\"yesterday\"}", Stamped.class));
        assertThrows(JsonMappingException.class, () -> Json.MAPPER.readValue("{\"a\":\"2026-13-01T00:00:00Z\"}", TIMES));
    }
}
