package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: a long mix of operations checked against an invariant. Only this level: {@code mvn
 * -pl tests verify -Dgroups=soak}. Every test class of tests/ carries exactly one level (LevelTagsTest).
 */
@Tag("soak")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Soak {
}
