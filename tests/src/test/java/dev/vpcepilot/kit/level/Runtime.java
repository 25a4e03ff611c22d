package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: the functions under the real AWS Lambda Java runtime interface client, built the SAM
 * way. Only this level: {@code mvn -pl tests verify -Dgroups=runtime}. Every test class of tests/ carries exactly
 * one level (LevelTagsTest).
 */
@Tag("runtime")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Runtime {
}
