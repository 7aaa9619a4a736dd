package jdiffusion.models.text;

import java.util.regex.Pattern;

/**
 * ftfy's heuristic for text that looks like mojibake ({@code ftfy.badness}): a few hundred characters that
 * UTF-8 turns into when decoded with the wrong single-byte encoding, grouped into categories, and the
 * juxtapositions of those categories that are far more likely in mojibake than in real text
 * (a lower-case accented letter followed by a currency sign, ...). Also the pattern that finds runs of
 * UTF-8-looking mojibake inside otherwise good text ({@code chardata.UTF8_DETECTOR_RE}).
 */
final class MojibakeHeuristic {

    private MojibakeHeuristic() {
    }

    // ftfy.badness.MOJIBAKE_CATEGORIES (character-class bodies; '-' marks ranges).
    static final String COMMON = "\u00a0\u00ad·´–—―…’";
    static final String C1 = "\u0080-\u009f";
    static final String BAD = "¦¤¨¬¯¸ƒˆˇ˘˛˜†‡‰⌐◊\ufffdªº";
    static final String LAW = "¶§";
    static final String CURRENCY = "¢£¥₧€";
    static final String START_PUNCTUATION = "¡«¿©΄΅‘‚“„•‹\uf8ff";
    static final String END_PUNCTUATION = "®»˝”›™";
    static final String NUMERIC = "²³¹±¼½¾×µ÷⁄∂∆∏∑√∞∩∫≈≠≡≤≥№";
    static final String KAOMOJI = "Ò-ÖÙ-Üò-öø-üŐŌŪŲ°";
    static final String UPPER_ACCENTED = "À-ÑØÜÝĂĀĄĆČĎĐĘĚĒĖĞĢİĪĶĹĽŁĻŃŇŅŒŘŚŞŠŢŤŮŰŸŹŻŽҐ";
    static final String LOWER_ACCENTED = "ßà-ñăąāćčďđęěēėğģįīķĺľłļœŕśşšťüźżžґﬁﬂ";
    static final String UPPER_COMMON = "ÞΑ-ΩΆΈΉΊΌΎΏΪΫЁ-Я";
    static final String LOWER_COMMON = "α-ωάέήίΰа-џ";
    static final String BOX = "│┌┐┘├┤┬┼═-╬▀▄█▌▐░▒▓";

    // ftfy.chardata.UTF8_CLUES.
    static final String UTF8_FIRST_OF_2 = "ĂÂÄĀÅÃÆĆČÇĎĐÉĚÊËĖÈĒĘÐĞĢÍÎÏİÌĪĶĹĻŁŃŇŅÑÓÔÖŐÒŌØÕŘŚŠŞŢÞÚÛÜŰÙŪŲŮÝŹŽŻß×"
            + "ΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";
    static final String UTF8_FIRST_OF_3 = "áăâäàāąåãæćčçďéěêëėèēęęģíîïìīįķĺļŕźΰαβγδεζηθικλμνξοабвгдежзийклмноп";
    static final String UTF8_FIRST_OF_4 = "đðğóšπσру";
    static final String UTF8_CONTINUATION = "\u0080-¿ ĄÆĽŁØŖŚŠŞŤŸŹŽŻŒąæƒľłøŗśšşťźžżœˆˇ˘˛˜˝΄΅ΆΈΉΊΌΎΏЁЂЃЄЅІЇЈЉЊЋЌЎЏ"
            + "ёђѓєѕіїјљњћќўџҐґ–—―‘’‚“”„†‡•…‰‹›€№™";
    static final String UTF8_CONTINUATION_STRICT = "\u0080-¿ĄÆĽŁØŖŚŠŞŤŸŹŽŻŒąæƒľłøŗśšşťźžżœˆˇ˘˛˜˝΄΅ΆΈΉΊΌΎΏЁЂЃЄЅІЇЈЉЊЋЌЎЏ"
            + "ёђѓєѕіїјљњћќўџҐґ†‡‰‹›€№™";

    /** Python's Unicode {@code \s} (str.isspace), which Java's {@code \s} is not. */
    static final String PY_SPACE = "[\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    /** Python's Unicode {@code \w}. */
    private static final String PY_WORD = "[\\p{L}\\p{N}_]";

    private static String cls(String... parts) {
        return "[" + String.join("", parts) + "]";
    }

    /** {@code ftfy.badness.BADNESS_RE}, alternative by alternative. */
    private static final Pattern BADNESS = Pattern.compile(String.join("|",
            cls(C1),
            cls(BAD, LOWER_ACCENTED, UPPER_ACCENTED, BOX, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, NUMERIC, LAW) + cls(BAD),
            "[a-zA-Z]" + cls(LOWER_COMMON, UPPER_COMMON) + cls(BAD),
            cls(BAD) + cls(LOWER_ACCENTED, UPPER_ACCENTED, BOX, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, NUMERIC, LAW),
            cls(LOWER_ACCENTED, LOWER_COMMON, BOX, END_PUNCTUATION, CURRENCY, NUMERIC) + cls(UPPER_ACCENTED),
            cls(BOX, END_PUNCTUATION, CURRENCY, NUMERIC) + cls(LOWER_ACCENTED),
            cls(LOWER_ACCENTED, BOX, END_PUNCTUATION) + cls(CURRENCY),
            PY_SPACE + cls(UPPER_ACCENTED) + cls(CURRENCY),
            cls(UPPER_ACCENTED, BOX) + cls(NUMERIC, LAW),
            cls(LOWER_ACCENTED, UPPER_ACCENTED, BOX, CURRENCY, END_PUNCTUATION) + cls(START_PUNCTUATION) + cls(NUMERIC),
            cls(LOWER_ACCENTED, UPPER_ACCENTED, CURRENCY, NUMERIC, BOX, LAW) + cls(END_PUNCTUATION) + cls(START_PUNCTUATION),
            cls(CURRENCY, NUMERIC, BOX) + cls(START_PUNCTUATION),
            "[a-z]" + cls(UPPER_ACCENTED) + cls(START_PUNCTUATION, CURRENCY),
            cls(BOX) + cls(KAOMOJI),
            cls(LOWER_ACCENTED, UPPER_ACCENTED, CURRENCY, NUMERIC, START_PUNCTUATION, END_PUNCTUATION, LAW) + cls(BOX),
            cls(BOX) + cls(END_PUNCTUATION),
            cls(LOWER_ACCENTED, UPPER_ACCENTED) + cls(START_PUNCTUATION, END_PUNCTUATION) + PY_WORD,
            // the ligature œ when not followed by an unaccented Latin letter
            "[Œœ][^A-Za-z]",
            // degree signs after capital letters
            cls(UPPER_ACCENTED) + "°",
            // common Windows-1252 2-character mojibake not covered above
            "[ÂÃÎÐ][€œŠš¢£Ÿž\\u00a0\\u00ad®©°·»" + START_PUNCTUATION + END_PUNCTUATION + "–—´]",
            "×[²³]",
            // Windows-1252 mojibake of Arabic words: four characters required
            "[ØÙ]" + cls(COMMON, CURRENCY, BAD, NUMERIC, START_PUNCTUATION, "ŸŠ®°µ»")
                    + "[ØÙ]" + cls(COMMON, CURRENCY, BAD, NUMERIC, START_PUNCTUATION, "ŸŠ®°µ»"),
            // Windows-1252 mojibake starting 3-character sequences of some South Asian alphabets
            "à[²µ¹¼½¾]",
            // MacRoman mojibake not covered above
            "√[±∂†≠®™´≤≥¥µø]",
            "≈[°¢]",
            "‚Ä[ìîïòôúùû†°¢π]",
            "‚[âó][àä°ê]",
            // Windows-1251 mojibake of characters in the U+2000 range
            "вЂ",
            // Windows-1251 mojibake of Latin-1 characters and/or Cyrillic: a 3-character sequence
            "[ВГРС]" + cls(C1, BAD, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, "°µ") + "[ВГРС]",
            "ГўВЂВ.[A-Za-z ]",
            // Windows-1252 encodings of 'à' and 'á', and of \u00a0 itself
            "Ã[\\u00a0¡]",
            "[a-z]" + PY_SPACE + "?[ÃÂ][ ]",
            "^[ÃÂ][ ]",
            // Â before a character as an encoding of exactly that character
            "[a-z.,?!" + END_PUNCTUATION + "]Â[ " + START_PUNCTUATION + END_PUNCTUATION + "]",
            // Windows-1253 mojibake of characters in the U+2000 range
            "β€[™\\u00a0Ά\\u00ad®°]",
            // Windows-1253 mojibake of Latin-1 characters and/or Greek
            "[ΒΓΞΟ]" + cls(C1, BAD, START_PUNCTUATION, END_PUNCTUATION, CURRENCY, "°") + "[ΒΓΞΟ]",
            // Windows-1257 mojibake of characters in the U+2000 range
            "ā€"), Pattern.UNIX_LINES);

    /** {@code chardata.UTF8_DETECTOR_RE}: runs of what looks like UTF-8 read as a single-byte encoding. */
    static final Pattern UTF8_DETECTOR = Pattern.compile(
            "(?<!" + cls(UTF8_CONTINUATION_STRICT) + ")(?:"
                    + cls(UTF8_FIRST_OF_2) + cls(UTF8_CONTINUATION)
                    + "|" + cls(UTF8_FIRST_OF_3) + cls(UTF8_CONTINUATION) + "{2}"
                    + "|" + cls(UTF8_FIRST_OF_4) + cls(UTF8_CONTINUATION) + "{3})+");

    /** {@code ftfy.badness.is_bad}: whether the text contains a sequence that is likely mojibake. */
    static boolean isBad(String text) {
        return BADNESS.matcher(text).find();
    }
}
