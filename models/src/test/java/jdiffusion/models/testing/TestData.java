package jdiffusion.models.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where the project's copies of the reference data live (test resources, files gzipped). */
public final class TestData {

    private TestData() {
    }

    /** The folder holding the model reference sets (copies of refdata/models). */
    public static Path models() {
        try {
            return Path.of(TestData.class.getResource("/refdata/models").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
