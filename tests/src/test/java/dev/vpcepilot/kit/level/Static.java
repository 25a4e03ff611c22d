package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: reads files of the project only (template, state machines, sources): no emulator, no
 * process. Only this level: {@code mvn -pl tests verify -Dgroups=static}. Every test class of tests/ carries
 * exactly one level (LevelTagsTest).
 */
@Tag("static")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Static {
}
