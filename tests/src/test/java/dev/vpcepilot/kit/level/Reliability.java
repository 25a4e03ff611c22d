package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: faults injected (a fault proxy, failing servers) or runs racing each other. Only this
 * level: {@code mvn -pl tests verify -Dgroups=reliability}. Every test class of tests/ carries exactly one level
 * (LevelTagsTest).
 */
@Tag("reliability")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Reliability {
}
