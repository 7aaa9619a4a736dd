package jdiffusion.models.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references, decoded two ways:
 * <ul>
 * <li>{@link #unescape} is Python's {@code html.unescape}: the HTML5 rules for named references (with and
 * without the semicolon, longest prefix) and numeric ones (Windows-1252 for 0x80-0x9F, U+FFFD for
 * surrogates and out-of-range numbers, nothing for the invalid code points);</li>
 * <li>{@link #unescapeStrict} is ftfy's {@code unescape_html}: only references that end in a semicolon,
 * plus upper-cased names of lower-case entities ({@code &EACUTE;} as {@code É}).</li>
 * </ul>
 * The named references are the WHATWG list, as in Python's {@code html.entities.html5}.
 */
public final class HtmlEntities {

    private static final Pattern CHARREF = Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    private static final Map<String, String> HTML5 = load();
    private static final Map<String, String> FTFY = buildFtfyEntities();

    private HtmlEntities() {
    }

    private static Map<String, String> load() {
        Map<String, String> m = new HashMap<>();
        try (InputStream in = HtmlEntities.class.getResourceAsStream("html5-entities.txt")) {
            if (in == null) throw new IllegalStateException("html5-entities.txt missing from the jdiffusion.models jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isEmpty()) continue;
                int tab = line.indexOf('\t');
                StringBuilder sb = new StringBuilder();
                for (String hex : line.substring(tab + 1).split(" ")) sb.appendCodePoint(Integer.parseInt(hex, 16));
                m.put(line.substring(0, tab), sb.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }

    /** ftfy's {@code chardata._build_html_entities}. */
    private static Map<String, String> buildFtfyEntities() {
        Map<String, String> m = new HashMap<>();
        for (var e : HTML5.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";")) continue;
            m.put("&" + name, e.getValue());
        }
        for (var e : HTML5.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(";") || !name.equals(name.toLowerCase(Locale.ROOT))) continue;
            String upper = "&" + name.toUpperCase(Locale.ROOT);
            if (unescape(upper).equals(upper)) m.put(upper, e.getValue().toUpperCase(Locale.ROOT));
        }
        return Map.copyOf(m);
    }

    /** Python's {@code html.unescape(s)}. */
    public static String unescape(String s) {
        if (s.indexOf('&') < 0) return s;
        Matcher m = CHARREF.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(replaceCharref(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String replaceCharref(String s) {
        if (s.charAt(0) == '#') {
            boolean hex = s.charAt(1) == 'x' || s.charAt(1) == 'X';
            String digits = s.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) digits = digits.substring(0, digits.length() - 1);
            long num = parseCapped(digits, hex ? 16 : 10);
            if (num == 0x00) return "\uFFFD";
            if (num == 0x0d) return "\r";
            if (num >= 0x80 && num <= 0x9f) return String.valueOf(SingleByteCodec.SLOPPY_WINDOWS_1252.decode((int) num));
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return "\uFFFD";
            if (isInvalidCodepoint((int) num)) return "";
            return new String(Character.toChars((int) num));
        }
        String v = HTML5.get(s);
        if (v != null) return v;
        for (int x = s.length() - 1; x > 1; x--) {
            String prefix = HTML5.get(s.substring(0, x));
            if (prefix != null) return prefix + s.substring(x);
        }
        return "&" + s;
    }

    /** Parses a digit string, saturating above the Unicode range (Python's integers do not overflow). */
    private static long parseCapped(String digits, int radix) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            v = v * radix + Character.digit(digits.charAt(i), radix);
            if (v > 0x10FFFF) return 0x110000;
        }
        return v;
    }

    /** Python's {@code html._invalid_codepoints}. */
    private static boolean isInvalidCodepoint(int c) {
        return (c >= 0x1 && c <= 0x8) || c == 0xb || (c >= 0xe && c <= 0x1f) || (c >= 0x7f && c <= 0x9f)
                || (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe;
    }

    /** ftfy's {@code fixes.unescape_html}: unambiguous references only (those ending in a semicolon). */
    public static String unescapeStrict(String text) {
        if (text.indexOf('&') < 0) return text;
        Matcher m = FTFY_ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            String t = m.group();
            String r = FTFY.get(t);
            if (r == null) {
                r = t;
                if (t.startsWith("&#")) {
                    String u = unescape(t);
                    if (u.indexOf(';') < 0) r = u;   // only when the whole reference, semicolon included, was consumed
                }
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
