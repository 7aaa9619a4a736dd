package jdiffusion.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import jdiffusion.models.testing.TestData;
import org.junit.jupiter.api.Test;

class TextFixerTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> ftfyCases() throws IOException {
        Path f = TestData.models().resolveSibling("ftfy").resolve("ftfy-cases.json.gz");
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.read(f)).get("cases");
    }

    /** ftfy's own test suite: every case it expects to pass, through fix_text and fix_encoding. */
    @Test
    void fixesTextAsFtfyDoesOnItsOwnTestCases() throws IOException {
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Map<String, Object> c : ftfyCases()) {
            if (!"pass".equals(c.get("expect"))) continue;
            n++;
            String orig = (String) c.get("original");
            String fixed = (String) c.get("fixed");
            String fixedEncoding = (String) c.getOrDefault("fixed-encoding", fixed);
            String got = TextFixer.fixText(orig);
            if (!got.equals(fixed)) failures.add("fix_text " + c.get("label") + ": " + Json.write(got) + " != " + Json.write(fixed));
            String enc = TextFixer.fixEncoding(orig);
            if (!enc.equals(fixedEncoding)) failures.add("fix_encoding " + c.get("label") + ": " + Json.write(enc) + " != " + Json.write(fixedEncoding));
        }
        assertTrue(n > 100);
        assertTrue(failures.isEmpty(), failures.size() + " of " + n + " differ:\n" + String.join("\n", failures));
    }

    /** ftfy's test_entities.py. */
    @Test
    void unescapesEntitiesOnlyOutsideHtmlAndOnlyWithSemicolons() {
        assertEquals("&\n<html>\n&amp;", TextFixer.fixText("&amp;\n<html>\n&amp;"));
        assertEquals("<>", TextFixer.fixSegment("&lt;&gt;", true));
        assertEquals("jednocześnie", TextFixer.fixSegment("jednocze&sacute;nie", true));
        assertEquals("JEDNOCZEŚNIE", TextFixer.fixSegment("JEDNOCZE&Sacute;NIE", true));
        assertEquals("broken\u0081", TextFixer.fixSegment("broken&#x81;", true));
        assertEquals("&", TextFixer.fixSegment("&amp;amp;amp;", true));
        assertEquals("euro €", HtmlEntities.unescapeStrict("euro &#x80;"));
        assertEquals("EURO €", HtmlEntities.unescapeStrict("EURO &EURO;"));
        assertEquals("not an entity &#20x6;", HtmlEntities.unescapeStrict("not an entity &#20x6;"));
        assertEquals("VŠICHNI", HtmlEntities.unescapeStrict("V&SCARON;ICHNI"));
        assertEquals("", HtmlEntities.unescapeStrict("&#xffff;"));
        assertEquals("\ufffd", HtmlEntities.unescapeStrict("&#xffffffff;"));
        assertEquals("this is just informal english &not html", TextFixer.fixSegment("this is just informal english &not html", true));
    }

    /** Python's html.unescape: references without semicolons and the longest-prefix rule. */
    @Test
    void pythonUnescapeHandlesLegacyReferences() {
        assertEquals("¬ html", HtmlEntities.unescape("&not html"));
        assertEquals("¬it;", HtmlEntities.unescape("&notit;"));
        assertEquals("& &", HtmlEntities.unescape("&amp &amp;"));
        assertEquals("€\r\ufffd", HtmlEntities.unescape("&#128;&#13;&#0;"));
        assertEquals("&bogus;", HtmlEntities.unescape("&bogus;"));
    }
}
