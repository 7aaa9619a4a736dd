package jdiffusion.core.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A small, strict JSON reader and writer (RFC 8259), so that {@code core} depends on nothing but the JDK.
 *
 * <p>Values map to {@code Map<String,Object>} (insertion-ordered), {@code List<Object>}, {@link String},
 * {@link Long} (integers that fit), {@link Double} (everything else numeric), {@link Boolean} and
 * {@code null}. Errors name the source and the character offset.
 */
public final class Json {

    private final String source;
    private final String text;
    private int pos;

    private Json(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /** Parses one JSON value; {@code source} names the text in error messages. */
    public static Object parse(String text, String source) {
        Json p = new Json(source, text);
        p.skipWhitespace();
        Object value = p.readValue();
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected trailing content");
        return value;
    }

    public static Object parse(String text) {
        return parse(text, "JSON text");
    }

    /** Reads a JSON file; a name ending in {@code .gz} is gunzipped first. */
    public static Object read(Path file) throws IOException {
        String text;
        if (file.getFileName().toString().endsWith(".gz")) {
            try (var in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        return parse(text, file.toString());
    }

    /** Reads a file whose top level must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readObject(Path file) throws IOException {
        Object v = read(file);
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new JsonException(file + ": expected a JSON object at the top level");
    }

    private Object readValue() {
        if (pos >= text.length()) throw error("unexpected end of input");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return readObjectValue();
            case '[': return readArray();
            case '"': return readString();
            case 't': expectWord("true"); return Boolean.TRUE;
            case 'f': expectWord("false"); return Boolean.FALSE;
            case 'n': expectWord("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return readNumber();
                // Python's json writes these; accept them so reference files with raw NaN still read.
                if (text.startsWith("NaN", pos)) { pos += 3; return Double.NaN; }
                if (text.startsWith("Infinity", pos)) { pos += 8; return Double.POSITIVE_INFINITY; }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> readObjectValue() {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') { pos++; return map; }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key");
            String key = readString();
            skipWhitespace();
            if (peek() != ':') throw error("expected ':'");
            pos++;
            skipWhitespace();
            Object value = readValue();
            if (map.containsKey(key)) throw error("duplicate key \"" + key + "\"");
            map.put(key, value);
            skipWhitespace();
            char c = peek();
            if (c != '}' && c != ',') throw error("expected ',' or '}'");
            pos++;
            if (c == '}') return map;
        }
    }

    private List<Object> readArray() {
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') { pos++; return list; }
        while (true) {
            skipWhitespace();
            list.add(readValue());
            skipWhitespace();
            char c = peek();
            if (c != ']' && c != ',') throw error("expected ',' or ']'");
            pos++;
            if (c == ']') return list;
        }
    }

    private String readString() {
        pos++; // opening quote
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c == '\\') {
                if (sb == null) sb = new StringBuilder();
                sb.append(text, start, pos);
                pos++;
                if (pos >= text.length()) throw error("unterminated escape");
                char e = text.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (pos + 4 > text.length()) throw error("truncated \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default: throw error("bad escape \\" + e);
                }
                start = pos;
            } else {
                if (c < 0x20) throw error("control character in string");
                pos++;
            }
        }
    }

    private Object readNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
            if (text.startsWith("Infinity", pos)) { pos += 8; return Double.NEGATIVE_INFINITY; }
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String num = text.substring(start, pos);
        try {
            if (integral && num.length() < 19) return Long.parseLong(num);
            if (integral) {
                try {
                    return Long.parseLong(num);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(num);
                }
            }
            return Double.parseDouble(num);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + num + "'");
        }
    }

    private void expectWord(String word) {
        if (!text.startsWith(word, pos)) throw error("expected " + word);
        pos += word.length();
    }

    private char peek() {
        if (pos >= text.length()) throw error("unexpected end of input");
        return text.charAt(pos);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') pos++;
            else break;
        }
    }

    private JsonException error(String what) {
        return new JsonException(source + ": invalid JSON at offset " + pos + ": " + what);
    }

    /** Writes a value made of maps, lists, strings, numbers, booleans and nulls as compact JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            quote(sb, d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        } else if (v instanceof Float f && (f.isNaN() || f.isInfinite())) {
            quote(sb, f.isNaN() ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (var e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            for (Object o : it) {
                if (!first) sb.append(',');
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else if (v instanceof float[] fa) {
            sb.append('[');
            for (int i = 0; i < fa.length; i++) {
                if (i > 0) sb.append(',');
                write(sb, fa[i]);
            }
            sb.append(']');
        } else if (v instanceof double[] da) {
            sb.append('[');
            for (int i = 0; i < da.length; i++) {
                if (i > 0) sb.append(',');
                write(sb, da[i]);
            }
            sb.append(']');
        } else {
            quote(sb, v.toString());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }
}
