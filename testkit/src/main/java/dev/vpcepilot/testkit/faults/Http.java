package dev.vpcepilot.testkit.faults;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Just enough HTTP/1.1 for the fault proxy, over raw sockets: reading a request (Content-Length or chunked
 * body, {@code Expect: 100-continue}), writing it upstream, reading the upstream response (Content-Length,
 * chunked or until EOF) and writing it back. Raw sockets rather than {@code HttpServer}/{@code HttpClient}
 * because the proxy must forward the {@code Host} header unchanged (a SigV4-signed header) and must be able to
 * close a connection without answering, which neither JDK class allows. Every read is bounded.
 */
final class Http {

    static final int MAX_LINE = 16 * 1024;
    static final int MAX_HEADERS = 200;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_BODY = 64 * 1024 * 1024;

    /** Headers that describe one connection (RFC 9110 section 7.6.1), never forwarded as they are. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private Http() {
    }

    record Header(String name, String value) {
    }

    /** A request as received: {@code target} is the request-target exactly as sent (origin-form normally). */
    record Request(String method, String target, String version, List<Header> headers, byte[] body) {

        String header(String name) {
            return first(headers, name);
        }

        /** The request-target in origin form (an absolute-form target loses its scheme and authority). */
        String originTarget() {
            if (target.startsWith("http://") || target.startsWith("https://")) {
                int slash = target.indexOf('/', target.indexOf("//") + 2);
                return slash < 0 ? "/" : target.substring(slash);
            }
            return target;
        }

        String path() {
            String t = originTarget();
            int q = t.indexOf('?');
            return q < 0 ? t : t.substring(0, q);
        }

        String query() {
            String t = originTarget();
            int q = t.indexOf('?');
            return q < 0 ? "" : t.substring(q + 1);
        }

        boolean isHead() {
            return "HEAD".equals(method);
        }

        /** Whether the client wants the connection kept open after this exchange. */
        boolean keepAlive() {
            Set<String> tokens = connectionTokens(headers);
            if ("HTTP/1.0".equals(version)) {
                return tokens.contains("keep-alive");
            }
            return !tokens.contains("close");
        }
    }

    record Response(int status, String reason, List<Header> headers, byte[] body) {

        String header(String name) {
            return first(headers, name);
        }
    }

    /** The peer sent something that is not HTTP/1.x as this proxy accepts it. */
    static class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ProtocolException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** The reason phrase of the statuses the proxy answers by itself. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            default -> "Error";
        };
    }

    static String first(List<Header> headers, String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * Reads one request. Returns null when the connection ends cleanly before a request starts. Answers
     * {@code 100 Continue} itself when asked, so the body can be read (and classified) before forwarding.
     */
    static Request readRequest(InputStream in, OutputStream out) throws IOException {
        String line = readLine(in, true);
        if (line != null && line.isEmpty()) {
            // RFC 9112 section 2.2: a server should ignore at least one empty line before the request-line.
            line = readLine(in, true);
        }
        if (line == null) {
            return null;
        }
        if (line.isEmpty()) {
            throw new ProtocolException(400, "empty lines instead of a request-line");
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new ProtocolException(400, "malformed request-line");
        }
        List<Header> headers = readHeaders(in);
        String expect = first(headers, "Expect");
        if (expect != null && expect.trim().equalsIgnoreCase("100-continue") && hasRequestBody(headers)) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = readBody(in, headers, false, true);
        return new Request(parts[0], parts[1], parts[2], headers, body);
    }

    /**
     * Reads the upstream response, skipping interim 1xx answers. A response to HEAD, and 204 and 304, have no
     * body whatever their headers say; a response with neither length nor chunking ends at EOF.
     */
    static Response readResponse(InputStream in, boolean headRequest) throws IOException {
        for (int interim = 0; interim < 10; interim++) {
            String line = readLine(in, false);
            if (line == null) {
                throw new EOFException("upstream closed the connection before answering");
            }
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
                throw new ProtocolException(502, "malformed status-line from upstream");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new ProtocolException(502, "malformed status code from upstream");
            }
            List<Header> headers = readHeaders(in);
            if (status >= 100 && status < 200) {
                continue;
            }
            boolean noBody = headRequest || status == 204 || status == 304;
            byte[] body = noBody ? new byte[0] : readBody(in, headers, true, false);
            return new Response(status, parts.length == 3 ? parts[2] : "", headers, body);
        }
        throw new ProtocolException(502, "too many interim responses from upstream");
    }

    /** Writes a request upstream over a connection used for this request only. */
    static void writeRequest(OutputStream out, String method, String target, List<Header> headers, byte[] body,
                             String defaultHost) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        Set<String> drop = hopByHop(headers);
        drop.add("content-length");
        drop.add("expect");
        boolean hasHost = false;
        for (Header h : headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (drop.contains(lower)) {
                continue;
            }
            hasHost |= lower.equals("host");
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!hasHost) {
            head.append("Host: ").append(defaultHost).append("\r\n");
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /**
     * Writes a response to the client with the upstream headers unchanged except the connection-level ones and
     * the length, which are this connection's.
     */
    static void writeResponse(OutputStream out, Response response, boolean headRequest, boolean close,
                              boolean http10KeepAlive) throws IOException {
        boolean noBody = headRequest || response.status() == 204 || response.status() == 304;
        StringBuilder head = new StringBuilder(256);
        String reason = response.reason() == null || response.reason().isEmpty() ? "-" : response.reason();
        head.append("HTTP/1.1 ").append(response.status()).append(' ').append(reason).append("\r\n");
        Set<String> drop = hopByHop(response.headers());
        if (!noBody) {
            drop.add("content-length");
        }
        for (Header h : response.headers()) {
            if (!drop.contains(h.name().toLowerCase(Locale.ROOT))) {
                head.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        if (!noBody) {
            head.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        } else if (http10KeepAlive) {
            head.append("Connection: keep-alive\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!noBody) {
            out.write(response.body());
        }
        out.flush();
    }

    /** The fixed hop-by-hop headers plus any header the Connection header names. */
    private static Set<String> hopByHop(List<Header> headers) {
        Set<String> names = new HashSet<>(HOP_BY_HOP);
        names.addAll(connectionTokens(headers));
        return names;
    }

    private static Set<String> connectionTokens(List<Header> headers) {
        Set<String> tokens = new HashSet<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("Connection")) {
                for (String token : h.value().split(",")) {
                    String t = token.trim().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        tokens.add(t);
                    }
                }
            }
        }
        return tokens;
    }

    private static boolean hasRequestBody(List<Header> headers) {
        String length = first(headers, "Content-Length");
        return first(headers, "Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    }

    private static List<Header> readHeaders(InputStream in) throws IOException {
        List<Header> headers = new ArrayList<>();
        int total = 0;
        while (true) {
            String line = readLine(in, false);
            if (line == null) {
                throw new EOFException("connection closed inside the header section");
            }
            if (line.isEmpty()) {
                return headers;
            }
            total += line.length();
            if (total > MAX_HEADER_BYTES || headers.size() >= MAX_HEADERS) {
                throw new ProtocolException(431, "header section too large");
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                // obsolete line folding: the line continues the previous field value
                Header last = headers.remove(headers.size() - 1);
                headers.add(new Header(last.name(), last.value() + " " + line.trim()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.substring(0, colon).isBlank() || line.substring(0, colon).contains(" ")) {
                throw new ProtocolException(400, "malformed header line");
            }
            headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
    }

    private static byte[] readBody(InputStream in, List<Header> headers, boolean untilEof, boolean request)
            throws IOException {
        String transferEncoding = first(headers, "Transfer-Encoding");
        if (transferEncoding != null) {
            String[] codings = transferEncoding.toLowerCase(Locale.ROOT).split(",");
            if (codings[codings.length - 1].trim().equals("chunked")) {
                return readChunked(in);
            }
            if (request) {
                throw new ProtocolException(501, "unsupported Transfer-Encoding: " + transferEncoding);
            }
            return readToEof(in);
        }
        String length = null;
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("Content-Length")) {
                if (length != null && !length.equals(h.value().trim())) {
                    throw new ProtocolException(request ? 400 : 502, "conflicting Content-Length headers");
                }
                length = h.value().trim();
            }
        }
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length);
            } catch (NumberFormatException e) {
                throw new ProtocolException(request ? 400 : 502, "malformed Content-Length");
            }
            if (n < 0) {
                throw new ProtocolException(request ? 400 : 502, "negative Content-Length");
            }
            if (n > MAX_BODY) {
                throw new ProtocolException(request ? 413 : 502, "body larger than " + MAX_BODY + " bytes");
            }
            byte[] body = in.readNBytes((int) n);
            if (body.length != n) {
                throw new EOFException("connection closed inside the body");
            }
            return body;
        }
        return untilEof ? readToEof(in) : new byte[0];
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException(400, "malformed chunk size");
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new ProtocolException(413, "body larger than " + MAX_BODY + " bytes");
            }
            if (size == 0) {
                for (int trailers = 0; ; trailers++) {
                    String trailer = readLine(in, false);
                    if (trailer == null || trailer.isEmpty()) {
                        return body.toByteArray();
                    }
                    if (trailers >= MAX_HEADERS) {
                        throw new ProtocolException(431, "too many trailer fields");
                    }
                }
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            String end = readLine(in, false);
            if (end == null || !end.isEmpty()) {
                throw new ProtocolException(400, "chunk not followed by CRLF");
            }
        }
    }

    private static byte[] readToEof(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new ProtocolException(502, "body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    /**
     * Reads a CRLF- (or bare LF-) terminated line as ISO-8859-1. Returns null at EOF before the first byte (a
     * clean end); EOF inside a line is an error.
     */
    private static String readLine(InputStream in, boolean requestLine) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (b == '\n') {
                int len = line.length();
                if (len > 0 && line.charAt(len - 1) == '\r') {
                    line.setLength(len - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new ProtocolException(requestLine ? 414 : 431, "line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }
}
