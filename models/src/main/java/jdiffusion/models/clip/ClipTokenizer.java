package jdiffusion.models.clip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.core.ConfigException;
import jdiffusion.core.json.Json;
import jdiffusion.core.text.Tokenizer;
import jdiffusion.models.text.HtmlEntities;
import jdiffusion.models.text.TextFixer;

/**
 * CLIP's byte-level BPE tokenizer (Radford et al. 2021), as OpenAI's {@code simple_tokenizer.py} runs it
 * for Stable Diffusion: the text is cleaned (ftfy, HTML unescaped twice, whitespace collapsed,
 * lower-cased), split by CLIP's pattern (special tokens, English contractions, letter runs, single digits,
 * runs of other symbols), each piece's UTF-8 bytes mapped to printable characters and merged by BPE rank.
 *
 * <p>The tokenizer is literal: weighting syntax such as {@code (word:1.2)} is text here; prompt
 * weighting is a layer above. Windows hold 77 tokens: start, up to 75 ids, end, then padding with
 * {@link #padToken()} (the end token for SD 1.x's CLIP, {@code "!"} = 0 for OpenCLIP in SD 2.x and
 * SDXL's second encoder). Thread-safe.
 */
public final class ClipTokenizer implements Tokenizer {

    /** Merges HF's CLIPTokenizer reads from merges.txt: {@code lines[1 : 49152 - 256 - 2 + 1]}. */
    private static final int MAX_MERGES = 49152 - 256 - 2;
    private static final int CONTEXT_LENGTH = 77;
    private static final String START = "<|startoftext|>";
    private static final String END = "<|endoftext|>";
    private static final int CACHE_LIMIT = 100_000;

    /** CLIP's split pattern; {@code \s} is Unicode whitespace as in the {@code regex} module. */
    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\p{IsWhite_Space}\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern WHITESPACE = Pattern.compile("\\p{IsWhite_Space}+");

    private static final char[] BYTE_TO_UNICODE = bytesToUnicode();

    private final Map<String, Integer> encoder;
    private final Map<String, Integer> bpeRanks;
    private final int startToken;
    private final int endToken;
    private final int padToken;
    private final Map<String, String[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(Map<String, Integer> encoder, Map<String, Integer> bpeRanks, int padToken, String source) {
        this.encoder = encoder;
        this.bpeRanks = bpeRanks;
        this.startToken = require(encoder, START, source);
        this.endToken = require(encoder, END, source);
        this.padToken = padToken < 0 ? endToken : padToken;
    }

    private static int require(Map<String, Integer> encoder, String token, String source) {
        Integer id = encoder.get(token);
        if (id == null) throw new ConfigException(source + ": vocabulary has no " + token + " token");
        return id;
    }

    /**
     * A tokenizer from a vocabulary ({@code vocab.json}: token string to id) and BPE merges
     * ({@code merges.txt}: a version line, then one {@code "a b"} pair per line, best first), padding
     * windows with {@code padToken} (null: the end token).
     */
    public static ClipTokenizer load(Path vocabJson, Path mergesTxt, String padToken) throws IOException {
        return load(Files.readString(vocabJson, StandardCharsets.UTF_8), vocabJson.toString(),
                Files.readAllLines(mergesTxt, StandardCharsets.UTF_8), mergesTxt.toString(), padToken);
    }

    /**
     * OpenAI's CLIP vocabulary (49408 tokens, the one every SD text encoder uses), bundled with jdiffusion
     * for checkpoints that carry no tokenizer; {@code padToken} null pads with the end token (SD 1.x),
     * {@code "!"} with 0 (OpenCLIP: SD 2.x, SDXL's second encoder).
     */
    public static ClipTokenizer bundled(String padToken) throws IOException {
        return load(new String(resource("vocab.json.gz"), StandardCharsets.UTF_8), "bundled CLIP vocab.json",
                new String(resource("merges.txt.gz"), StandardCharsets.UTF_8).lines().toList(), "bundled CLIP merges.txt", padToken);
    }

    private static byte[] resource(String name) throws IOException {
        try (var in = ClipTokenizer.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("jdiffusion.models lacks its bundled " + name);
            try (var gz = new java.util.zip.GZIPInputStream(in)) {
                return gz.readAllBytes();
            }
        }
    }

    private static ClipTokenizer load(String vocabText, String vocabSource, List<String> lines, String mergesSource,
                                      String padToken) {
        Object parsed = Json.parse(vocabText, vocabSource);
        if (!(parsed instanceof Map<?, ?> raw)) throw new ConfigException(vocabSource + ": expected a JSON object of token ids");
        Map<String, Integer> encoder = new HashMap<>(raw.size() * 2);
        for (var e : raw.entrySet()) {
            if (!(e.getValue() instanceof Long id)) {
                throw new ConfigException(vocabSource + ": token " + Json.write(e.getKey()) + " has id "
                        + Json.write(e.getValue()) + "; expected an integer");
            }
            encoder.put((String) e.getKey(), Math.toIntExact(id));
        }
        Map<String, Integer> ranks = new HashMap<>();
        int start = !lines.isEmpty() && lines.get(0).startsWith("#version") ? 1 : 0;
        for (int i = start; i < lines.size() && ranks.size() < MAX_MERGES; i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            String[] ab = line.split(" ");
            if (ab.length != 2) {
                throw new ConfigException(mergesSource + ": line " + (i + 1) + " \"" + line + "\" is not a pair \"a b\"");
            }
            ranks.putIfAbsent(ab[0] + " " + ab[1], ranks.size());
        }
        int pad = -1;
        if (padToken != null) {
            Integer id = encoder.get(padToken);
            if (id == null) throw new ConfigException(vocabSource + ": pad token " + Json.write(padToken) + " is not in the vocabulary");
            pad = id;
        }
        return new ClipTokenizer(Map.copyOf(encoder), Map.copyOf(ranks), pad, vocabSource);
    }

    /**
     * A tokenizer from a diffusers {@code tokenizer/} folder: vocab.json, merges.txt and the pad token named
     * by {@code special_tokens_map.json} or {@code tokenizer_config.json} (the end token when neither names one).
     */
    public static ClipTokenizer loadFolder(Path folder) throws IOException {
        String pad = null;
        for (String name : List.of("special_tokens_map.json", "tokenizer_config.json")) {
            Path p = folder.resolve(name);
            if (pad == null && Files.isRegularFile(p)) {
                Object v = Json.readObject(p).get("pad_token");
                if (v instanceof String s) pad = s;
                else if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) pad = s;
            }
        }
        return load(folder.resolve("vocab.json"), folder.resolve("merges.txt"), pad);
    }

    /** The same vocabulary with another pad token id (0 for the OpenCLIP layout). */
    public ClipTokenizer withPadToken(int id) {
        return new ClipTokenizer(encoder, bpeRanks, id, "tokenizer");
    }

    /** {@code bytes_to_unicode()}: printable stand-ins for the 256 byte values. */
    private static char[] bytesToUnicode() {
        char[] map = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) map[b] = direct[b] ? (char) b : (char) (256 + n++);
        return map;
    }

    /**
     * The text as CLIP sees it: {@code whitespace_clean(basic_clean(text)).lower()} — ftfy, HTML unescaped
     * twice, stripped, whitespace runs collapsed to one space, lower-cased.
     */
    public static String clean(String text) {
        String t = TextFixer.fixText(text);
        t = HtmlEntities.unescape(HtmlEntities.unescape(t));
        t = pythonStrip(t);
        t = WHITESPACE.matcher(t).replaceAll(" ");
        t = pythonStrip(t);
        return t.toLowerCase(Locale.ROOT);
    }

    /** Python's {@code str.strip()}: removes leading and trailing characters for which isspace() holds. */
    private static String pythonStrip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isPythonSpace(s.charAt(a))) a++;
        while (b > a && isPythonSpace(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    private static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    @Override
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = SPLIT.matcher(clean(text));
        while (m.find()) {
            String piece = m.group();
            for (String token : bpe(piece)) {
                Integer id = encoder.get(token);
                if (id == null) throw new IllegalStateException("BPE produced \"" + token + "\", which the vocabulary lacks");
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The BPE tokens of one piece of cleaned text. */
    private String[] bpe(String piece) {
        String[] cached = cache.get(piece);
        if (cached != null) return cached;
        String[] result;
        if (piece.equals(START) || piece.equals(END)) {
            result = new String[]{piece};
        } else {
            byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
            List<String> word = new ArrayList<>(utf8.length);
            for (int i = 0; i < utf8.length; i++) {
                String sym = String.valueOf(BYTE_TO_UNICODE[utf8[i] & 0xff]);
                word.add(i == utf8.length - 1 ? sym + "</w>" : sym);
            }
            result = merge(word).toArray(String[]::new);
        }
        if (cache.size() > CACHE_LIMIT) cache.clear();
        cache.put(piece, result);
        return result;
    }

    /** Repeatedly merges every occurrence of the best-ranked adjacent pair, left to right. */
    private List<String> merge(List<String> word) {
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer r = bpeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> next = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    next.add(first + second);
                    i++;
                } else {
                    next.add(word.get(i));
                }
            }
            word = next;
        }
        return word;
    }

    @Override
    public int startToken() {
        return startToken;
    }

    @Override
    public int endToken() {
        return endToken;
    }

    @Override
    public int padToken() {
        return padToken;
    }

    @Override
    public int maxLength() {
        return CONTEXT_LENGTH;
    }

    /**
     * {@code [start] + ids[:75] + [end]}, padded to 77 with {@link #padToken()}: HF's
     * {@code CLIPTokenizer(max_length=77, truncation=True, padding="max_length")} and open_clip's
     * {@code tokenize} give this same window, differing only in the pad id.
     */
    @Override
    public int[] window(int[] ids) {
        int[] w = new int[CONTEXT_LENGTH];
        Arrays.fill(w, padToken);
        w[0] = startToken;
        int n = Math.min(ids.length, CONTEXT_LENGTH - 2);
        System.arraycopy(ids, 0, w, 1, n);
        w[n + 1] = endToken;
        return w;
    }

    /** The vocabulary string of {@code id}, for diagnostics. */
    public String token(int id) {
        for (var e : encoder.entrySet()) {
            if (e.getValue() == id) return e.getKey();
        }
        return null;
    }

    /** Vocabulary size. */
    public int vocabularySize() {
        return encoder.size();
    }
}
