package jdiffusion.schedulers.diffusers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The reference-library routines the schedules are built from, against values those libraries computed. */
class NumericsTest {

    @Test
    void float32LogMatchesNumpyBitForBit() throws Exception {
        int n = 0;
        try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                NumericsTest.class.getResourceAsStream("/numpy/numpy-log-float32.txt.gz")), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#")) continue;
                String[] parts = line.split(" ");
                float x = Float.intBitsToFloat(Integer.parseUnsignedInt(parts[0], 16));
                int expected = Integer.parseUnsignedInt(parts[1], 16);
                assertEquals(expected, Float.floatToRawIntBits(Numpy.log32(x)), () -> "log(" + x + ")");
                n++;
            }
        }
        assertEquals(2505, n);
    }

    /**
     * Within a few double ulps of SciPy's (Boost's) quantile, which is itself not correctly rounded; the beta
     * noise levels are rounded to float32 afterwards.
     */
    @Test
    void betaQuantileMatchesScipyToSixteenUlps() {
        // scipy.stats.beta.ppf(q, 0.6, 0.6)
        double[][] cases = {
            {0.999, 0.9999814412614826}, {0.9, 0.9604155944112192}, {0.75, 0.824319621347305},
            {0.6, 0.6372990092467856}, {0.5, 0.5000000000000001}, {0.4, 0.3627009907532143},
            {0.25, 0.17568037865269498}, {0.1, 0.03958440558878085}, {0.01, 0.0008612388215429059},
            {0.001, 1.855873851745199e-05}, {0, 0}, {1, 1}
        };
        for (double[] c : cases) {
            assertEquals(c[1], IncompleteBeta.ppf(c[0], 0.6, 0.6), 16 * Math.ulp(c[1]), "ppf(" + c[0] + ")");
        }
    }

    @Test
    void linspaceAndArangeRoundAsNumpy() {
        // np.linspace(0, 999, 7) and np.arange(1000, 0, -1000 / 7) as numpy computes them
        double[] l = Numpy.linspace(0, 999, 7);
        assertEquals(166.5, l[1]);
        assertEquals(999.0, l[6]);
        double[] a = Numpy.arange(1000, 0, -1000.0 / 7);
        assertEquals(7, a.length);
        assertEquals(142.85714285714266, a[6]);
        assertEquals(2.0, Numpy.round(2.5));
        assertEquals(4.0, Numpy.round(3.5));
    }

    @Test
    void interpolatesAsNumpyInterp() {
        double[] xp = {0, 1, 2};
        double[] fp = {1, 3, 7};
        double[] y = Numpy.interp(new double[] {-1, 0, 0.5, 1.25, 2, 3}, xp, fp);
        assertEquals(1.0, y[0]);
        assertEquals(1.0, y[1]);
        assertEquals(2.0, y[2]);
        assertEquals(4.0, y[3]);
        assertEquals(7.0, y[4]);
        assertEquals(7.0, y[5]);
    }
}
