package dev.vpcepilot.kit.level;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * The level of a test class: the state machine end to end, through {@code ./run-local}, the local workflow or the
 * hook's workflow. Only this level: {@code mvn -pl tests verify -Dgroups=workflow}. Every test class of tests/
 * carries exactly one level (LevelTagsTest).
 */
@Tag("workflow")
@Retention(RUNTIME)
@Target(TYPE)
public @interface Workflow {
}
