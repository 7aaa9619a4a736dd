package jdiffusion.models.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fixes glitches in Unicode text the way ftfy 6.3's {@code fix_text} does with its default configuration,
 * which is what CLIP's tokenizer runs on every prompt: HTML entities (unless the text looks like HTML),
 * mojibake (UTF-8 decoded with a single-byte encoding, repeatedly), C1 controls, Latin ligatures,
 * full-width characters, curly quotes, line breaks, lone surrogates, terminal escapes, control characters,
 * then NFC. The steps and their order follow ftfy's {@code fix_and_explain} and
 * {@code _fix_encoding_one_step_and_explain}; each is repeated until the text stops changing.
 */
public final class TextFixer {

    private static final int MAX_DECODE_LENGTH = 1_000_000;

    private static final Pattern ALTERED_UTF8 = Pattern.compile(
            "[\\xc2\\xc3\\xc5\\xce\\xd0\\xd9][ ]"
                    + "|[\\xe2\\xe3][ ][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf]"
                    + "|[\\xe0-\\xe3][\\x80-\\x84\\x86-\\x9f\\xa1-\\xbf][ ]"
                    + "|[\\xf0][ ][\\x80-\\xbf][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][ ][\\x80-\\xbf]"
                    + "|[\\xf0][\\x80-\\xbf][\\x80-\\xbf][ ]");
    private static final Pattern A_GRAVE_WORD = Pattern.compile("\\xc3 (?! |quele|quela|quilo|s )");
    private static final Pattern LOSSY_UTF8 = Pattern.compile(
            "[\\xc2-\\xdf][\\x1a]"
                    + "|[\\xc2-\\xc3][?]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?]\\xed[\\xb0-\\xbf][\\x1a?\\x80-\\xbf]"
                    + "|\\xed[\\xa0-\\xaf][\\x1a?\\x80-\\xbf]\\xed[\\xb0-\\xbf][\\x1a?]"
                    + "|[\\xe0-\\xef][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xe0-\\xef][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|[\\xf0-\\xf4][\\x1a?][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a?][\\x1a\\x80-\\xbf]"
                    + "|[\\xf0-\\xf4][\\x1a\\x80-\\xbf][\\x1a\\x80-\\xbf][\\x1a?]"
                    + "|\\x1a");
    private static final Pattern C1_CONTROL = Pattern.compile("[\\x80-\\x9f]");
    private static final Pattern SINGLE_QUOTE = Pattern.compile("[\\u02bc\\u2018-\\u201b]");
    private static final Pattern DOUBLE_QUOTE = Pattern.compile("[\\u201c-\\u201f]");
    private static final Pattern ANSI = Pattern.compile("\\x1b\\[((?:\\p{Nd}|;)*)([a-zA-Z])");

    private TextFixer() {
    }

    /** ftfy's {@code fix_text(text)}: fixes each line on its own. */
    public static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;   // "auto": off from the first segment that contains '<'
        int pos = 0;
        while (pos < text.length()) {
            int textbreak = text.indexOf('\n', pos) + 1;
            if (textbreak == 0) textbreak = text.length();
            if (textbreak - pos > MAX_DECODE_LENGTH) textbreak = pos + MAX_DECODE_LENGTH;
            String segment = text.substring(pos, textbreak);
            if (unescapeHtml && segment.indexOf('<') >= 0) unescapeHtml = false;
            out.append(fixSegment(segment, unescapeHtml));
            pos = textbreak;
        }
        return out.toString();
    }

    /** ftfy's {@code fix_and_explain} without the explanation. */
    static String fixSegment(String text, boolean unescapeHtml) {
        while (true) {
            String orig = text;
            if (unescapeHtml) text = HtmlEntities.unescapeStrict(text);
            text = fixEncoding(text);
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = ANSI.matcher(text).replaceAll("");
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(orig)) return text;
        }
    }

    /** ftfy's {@code fix_encoding}: undoes mojibake one layer at a time until nothing changes. */
    public static String fixEncoding(String text) {
        while (true) {
            String prev = text;
            text = fixEncodingOneStep(text);
            if (text.equals(prev)) return text;
        }
    }

    private static String fixEncodingOneStep(String text) {
        if (text.isEmpty() || isAscii(text) || !MojibakeHeuristic.isBad(text)) return text;
        List<SingleByteCodec> possible = new ArrayList<>();
        for (SingleByteCodec codec : SingleByteCodec.values()) {
            if (!codec.canEncode(text)) continue;
            possible.add(codec);
            byte[] bytes = codec.encode(text);
            if (codec != SingleByteCodec.MACROMAN && ALTERED_UTF8.matcher(latin1(bytes)).find()) {
                bytes = restoreByteA0(bytes);
            }
            if (codec.isSloppy()) bytes = replaceLossySequences(bytes);
            boolean variants = false;
            for (byte b : bytes) {
                if (b == (byte) 0xED || b == (byte) 0xC0) {
                    variants = true;
                    break;
                }
            }
            String fixed = variants ? decodeUtf8Variants(bytes) : decodeUtf8(bytes);
            if (fixed != null) return fixed;
        }
        if (MojibakeHeuristic.UTF8_DETECTOR.matcher(text).find()) {
            String fixed = decodeInconsistentUtf8(text);
            if (!fixed.equals(text)) return fixed;
        }
        // ftfy compares against "windows-1252", which is never among its candidates (only the sloppy
        // variant is), so Latin-1 text always goes on to the strict Windows-1252 reinterpretation.
        if (possible.contains(SingleByteCodec.LATIN_1)) {
            String fixed = decodeWindows1252Strict(SingleByteCodec.LATIN_1.encode(text));
            if (fixed != null && !fixed.equals(text)) return fixed;
        }
        if (C1_CONTROL.matcher(text).find()) return fixC1Controls(text);
        return text;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) return false;
        }
        return true;
    }

    /** Bytes as the Latin-1 string of the same code units, so byte patterns can run as Java regexes. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code fixes.restore_byte_a0}: puts back the 0xA0 that something turned into a space inside UTF-8. */
    static byte[] restoreByteA0(byte[] b) {
        String s = A_GRAVE_WORD.matcher(latin1(b)).replaceAll("\u00c3\u00a0 ");
        Matcher m = ALTERED_UTF8.matcher(s);
        StringBuilder sb = new StringBuilder(s.length());
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(m.group().replace(' ', '\u00a0')));
        m.appendTail(sb);
        return bytes(sb.toString());
    }

    /** {@code fixes.replace_lossy_sequences}: UTF-8 sequences with lost bytes become U+FFFD's encoding. */
    static byte[] replaceLossySequences(byte[] b) {
        return bytes(LOSSY_UTF8.matcher(latin1(b)).replaceAll("\u00ef\u00bf\u00bd"));
    }

    /** {@code fixes.decode_inconsistent_utf8}: fixes mojibake runs embedded in otherwise good text. */
    static String decodeInconsistentUtf8(String text) {
        Matcher m = MojibakeHeuristic.UTF8_DETECTOR.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            String sub = m.group();
            String r = sub.length() < text.length() && MojibakeHeuristic.isBad(sub) ? fixEncoding(sub) : sub;
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** {@code fixes.fix_c1_controls}: C1 controls read as their Windows-1252 characters. */
    static String fixC1Controls(String text) {
        Matcher m = C1_CONTROL.matcher(text);
        if (!m.find()) return text;
        m.reset();
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(
                    String.valueOf(SingleByteCodec.SLOPPY_WINDOWS_1252.decode(m.group().charAt(0)))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Strict UTF-8 (no surrogates, no overlong forms), or null where Python would raise. */
    static String decodeUtf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * ftfy's {@code utf-8-variants}: UTF-8 that may also hold CESU-8 surrogate pairs (six bytes) and Java's
     * two-byte NUL (C0 80); anything else that is not UTF-8 fails (null).
     */
    static String decodeUtf8Variants(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        for (int i = 0; i < b.length; i++) {
            int b0 = b[i] & 0xff;
            if (b0 == 0xC0 && i + 1 < b.length && (b[i + 1] & 0xff) == 0x80) {
                out.write(0);
                i++;
            } else if (b0 == 0xED && i + 5 < b.length && inRange(b[i + 1], 0xA0, 0xAF) && inRange(b[i + 2], 0x80, 0xBF)
                    && (b[i + 3] & 0xff) == 0xED && inRange(b[i + 4], 0xB0, 0xBF) && inRange(b[i + 5], 0x80, 0xBF)) {
                int hi = 0xD000 | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
                int lo = 0xD000 | ((b[i + 4] & 0x3f) << 6) | (b[i + 5] & 0x3f);
                byte[] enc = new String(new char[]{(char) hi, (char) lo}).getBytes(StandardCharsets.UTF_8);
                out.writeBytes(enc);
                i += 5;
            } else {
                out.write(b0);
            }
        }
        return decodeUtf8(out.toByteArray());
    }

    private static boolean inRange(byte v, int lo, int hi) {
        int x = v & 0xff;
        return x >= lo && x <= hi;
    }

    /** Python's strict {@code windows-1252} codec: bytes 81, 8D, 8F, 90 and 9D are undefined (null). */
    private static String decodeWindows1252Strict(byte[] b) {
        for (byte v : b) {
            int x = v & 0xff;
            if (x == 0x81 || x == 0x8D || x == 0x8F || x == 0x90 || x == 0x9D) return null;
        }
        StringBuilder sb = new StringBuilder(b.length);
        for (byte v : b) {
            int x = v & 0xff;
            sb.append(x == 0x1A ? (char) 0x1A : SingleByteCodec.SLOPPY_WINDOWS_1252.decode(x));
        }
        return sb.toString();
    }

    /** {@code fixes.fix_latin_ligatures}. */
    static String fixLatinLigatures(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String r = switch (c) {
                case 'Ĳ' -> "IJ";
                case 'ĳ' -> "ij";
                case 'ŉ' -> "ʼn";
                case 'Ǳ' -> "DZ";
                case 'ǲ' -> "Dz";
                case 'ǳ' -> "dz";
                case 'Ǆ' -> "DŽ";
                case 'ǅ' -> "Dž";
                case 'ǆ' -> "dž";
                case 'Ǉ' -> "LJ";
                case 'ǈ' -> "Lj";
                case 'ǉ' -> "lj";
                case 'Ǌ' -> "NJ";
                case 'ǋ' -> "Nj";
                case 'ǌ' -> "nj";
                case 'ﬀ' -> "ff";
                case 'ﬁ' -> "fi";
                case 'ﬂ' -> "fl";
                case 'ﬃ' -> "ffi";
                case 'ﬄ' -> "ffl";
                case 'ﬅ' -> "ſt";
                case 'ﬆ' -> "st";
                default -> null;
            };
            if (r != null && sb == null) sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            if (sb != null) {
                if (r != null) sb.append(r);
                else sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fixes.fix_character_width}: full-width and half-width forms (U+FF01-U+FFEF) and U+3000. */
    static String fixCharacterWidth(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String r = null;
            if (c == '\u3000') {
                r = " ";
            } else if (c >= '\uff01' && c < '\ufff0') {
                String n = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
                if (!n.equals(String.valueOf(c))) r = n;
            }
            if (r != null && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null) {
                if (r != null) sb.append(r);
                else sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fixes.uncurl_quotes}. */
    static String uncurlQuotes(String text) {
        return SINGLE_QUOTE.matcher(DOUBLE_QUOTE.matcher(text).replaceAll("\"")).replaceAll("'");
    }

    /** {@code fixes.fix_line_breaks}. */
    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
                .replace("\u2029", "\n").replace("\u0085", "\n");
    }

    /** {@code fixes.fix_surrogates}: lone surrogates become U+FFFD (Java strings already pair the rest). */
    static String fixSurrogates(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone = false;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    if (sb != null) sb.append(c).append(text.charAt(i + 1));
                    i++;
                    continue;
                }
                lone = true;
            } else if (Character.isLowSurrogate(c)) {
                lone = true;
            }
            if (lone && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null) sb.append(lone ? '\uFFFD' : c);
        }
        return sb == null ? text : sb.toString();
    }

    /** {@code fixes.remove_control_chars}. */
    static String removeControlChars(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean drop = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (drop && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null && !drop) sb.append(c);
        }
        return sb == null ? text : sb.toString();
    }
}
