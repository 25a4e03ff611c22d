package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: one service or component of the project against the emulator (moto_server on
 * loopback). Only this level: {@code mvn -pl tests verify -Dgroups=integration}. Every test class of tests/
 * carries exactly one level (LevelTagsTest).
 */
@Tag("integration")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Integration {
}
