package dev.vpcepilot.local.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Lambda Java runtime as the java21 managed runtime carries it in {@code /var/runtime/lib}: the AWS Lambda Java
 * runtime interface client ({@code aws-lambda-java-runtime-interface-client}, from Maven Central) with the jars it
 * depends on, all on the JVM's class path, and the client's native Runtime API library, which the managed runtime
 * names with {@code -Dcom.amazonaws...NativeClient.JNI} instead of letting the client unpack it.
 *
 * <p>runner/pom.xml copies the jars into {@code runner/target/lambda-runtime/lib}; the native library is unpacked
 * from the client's jar into {@code jni/} next to it on first use. Unpacking it ourselves matters: left to itself,
 * every client process writes it to the same {@code /tmp/.libaws-lambda-jni.so}, and processes starting together
 * would load a file another one is rewriting.
 */
public record LambdaJavaRuntime(Path directory, List<Path> classPath, Path nativeLibrary) {

    /** Where runner/pom.xml puts the runtime, relative to the project root. */
    public static final String LOCATION = "runner/target/lambda-runtime";
    private static final String CLIENT_JAR_PREFIX = "aws-lambda-java-runtime-interface-client-";

    /** The runtime of the project at {@code projectRoot} (built by the runner's Maven build). */
    public static LambdaJavaRuntime locate(Path projectRoot) {
        return at(projectRoot.resolve(LOCATION));
    }

    /**
     * @throws IllegalStateException when the directory holds no runtime interface client (the runner is not built)
     */
    public static LambdaJavaRuntime at(Path directory) {
        Path lib = directory.resolve("lib");
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("The Lambda Java runtime is not in " + lib + " (build the runner: "
                    + "mvn -DskipTests install)", e);
        }
        Path client = jars.stream().filter(j -> j.getFileName().toString().startsWith(CLIENT_JAR_PREFIX))
                .findFirst().orElseThrow(() -> new IllegalStateException(lib + " holds no " + CLIENT_JAR_PREFIX
                        + "*.jar (build the runner: mvn -DskipTests install)"));
        return new LambdaJavaRuntime(directory, jars, unpackNativeLibrary(client, directory.resolve("jni")));
    }

    /** The library the managed runtime uses on this machine's architecture (glibc builds; the jar has musl too). */
    static String nativeLibraryName() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "libaws-lambda-jni.linux-x86_64.so";
            case "aarch64", "arm64" -> "libaws-lambda-jni.linux-aarch_64.so";
            default -> throw new IllegalStateException("The Lambda runtime interface client has no native library "
                    + "for os.arch " + arch + " (it has x86_64 and aarch64)");
        };
    }

    private static Path unpackNativeLibrary(Path clientJar, Path directory) {
        String name = nativeLibraryName();
        Path target = directory.resolve(name);
        try (ZipFile jar = new ZipFile(clientJar.toFile())) {
            ZipEntry entry = jar.getEntry("jni/" + name);
            if (entry == null) {
                throw new IllegalStateException(clientJar + " has no jni/" + name);
            }
            if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
                return target;
            }
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, name, ".partial");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            // atomic: a process starting meanwhile sees the old file or the whole new one
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the runtime client's native library from " + clientJar, e);
        }
    }
}
