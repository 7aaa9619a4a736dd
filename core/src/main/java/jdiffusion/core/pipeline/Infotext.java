package jdiffusion.core.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The generation parameters text A1111's web UI stores in a PNG's {@code parameters} chunk and reads back
 * ("PNG Info", "send to txt2img"), in its exact layout:
 *
 * <pre>
 * a red cube on a table
 * Negative prompt: blurry
 * Steps: 20, Sampler: Euler a, Schedule type: Karras, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 0123456789
 * </pre>
 *
 * The negative-prompt line appears only when there is one; each parameter is {@code key: value}, and a
 * value holding a comma, colon or line break is written as a JSON string, as A1111's {@code quote} does.
 */
public record Infotext(String prompt, String negativePrompt, Map<String, String> parameters) {

    /** The PNG text keyword A1111 uses. */
    public static final String PNG_KEY = "parameters";

    public Infotext {
        Objects.requireNonNull(prompt, "prompt");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The text, as A1111's {@code create_infotext} lays it out (stripped of surrounding whitespace, as Python's {@code strip()}). */
    public String format() {
        StringBuilder params = new StringBuilder();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            if (e.getValue() == null) continue;
            if (!params.isEmpty()) params.append(", ");
            params.append(e.getKey()).append(": ").append(quote(e.getValue()));
        }
        String negative = negativePrompt.isEmpty() ? "" : "\nNegative prompt: " + negativePrompt;
        return pythonStrip(prompt + negative + "\n" + params);
    }

    /** A1111's {@code quote}: plain unless the value holds {@code ,}, {@code :} or a line break; then a JSON string. */
    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('\n') < 0 && value.indexOf(':') < 0) return value;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Reads text in this layout back (prompt lines, an optional "Negative prompt:" part, and the last line
     * of {@code key: value} pairs), as A1111's {@code parse_generation_parameters} does for the common cases.
     */
    public static Infotext parse(String text) {
        List<String> lines = new ArrayList<>(List.of(text.strip().split("\n", -1)));
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        Map<String, String> params = new LinkedHashMap<>();
        if (looksLikeParameters(last)) {
            lines.remove(lines.size() - 1);
            parseParameters(last, params);
        }
        StringBuilder prompt = new StringBuilder();
        StringBuilder negative = null;
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("Negative prompt:")) {
                negative = new StringBuilder(l.substring("Negative prompt:".length()).strip());
            } else if (negative != null) {
                negative.append('\n').append(l);
            } else {
                if (!prompt.isEmpty()) prompt.append('\n');
                prompt.append(l);
            }
        }
        return new Infotext(prompt.toString(), negative == null ? "" : negative.toString(), params);
    }

    private static boolean looksLikeParameters(String line) {
        // A1111 requires at least three key: value pairs on the last line
        int pairs = 0;
        int i = 0;
        while ((i = line.indexOf(": ", i)) >= 0) {
            pairs++;
            i += 2;
        }
        return pairs >= 3;
    }

    private static void parseParameters(String line, Map<String, String> out) {
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') i++;
            int colon = line.indexOf(':', i);
            if (colon < 0) break;
            String key = line.substring(i, colon).strip();
            i = colon + 1;
            while (i < n && line.charAt(i) == ' ') i++;
            StringBuilder value = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char ch = line.charAt(i++);
                    if (ch == '\\' && i < n) {
                        char esc = line.charAt(i++);
                        switch (esc) {
                            case 'n' -> value.append('\n');
                            case 'r' -> value.append('\r');
                            case 't' -> value.append('\t');
                            case 'b' -> value.append('\b');
                            case 'f' -> value.append('\f');
                            case 'u' -> {
                                value.append((char) Integer.parseInt(line.substring(i, Math.min(n, i + 4)), 16));
                                i += 4;
                            }
                            default -> value.append(esc);
                        }
                    } else {
                        value.append(ch);
                    }
                }
                i++; // closing quote
                int comma = line.indexOf(',', i);
                i = comma < 0 ? n : comma + 1;
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                value.append(line, i, end);
                i = comma < 0 ? n : comma + 1;
            }
            out.put(key, value.toString().strip());
        }
    }

    private static String pythonStrip(String s) {
        int b = 0, e = s.length();
        while (b < e && Character.isWhitespace(s.charAt(b))) b++;
        while (e > b && Character.isWhitespace(s.charAt(e - 1))) e--;
        return s.substring(b, e);
    }
}
