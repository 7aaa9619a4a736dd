package jdiffusion.schedulers.diffusers;

/**
 * The regularized incomplete beta function I_x(a, b) and its inverse, the quantile function of the Beta(a, b)
 * distribution ({@code scipy.stats.beta.ppf}), in double precision: I_x by the continued fraction of
 * Abramowitz &amp; Stegun 26.5.8 (modified Lentz), the inverse by Newton steps safeguarded with bisection.
 */
final class IncompleteBeta {

    private IncompleteBeta() {
    }

    /** I_x(a, b). */
    static double regularized(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - regularized(1 - x, b, a);
        }
        double front = Math.pow(x, a) * Math.exp(b * Math.log1p(-x)) / Math.exp(logBeta(a, b));
        return front * continuedFraction(x, a, b) / a;
    }

    /** The quantile: the x with I_x(a, b) = q. */
    static double ppf(double q, double a, double b) {
        if (Double.isNaN(q) || q < 0 || q > 1) return Double.NaN;
        if (q == 0) return 0;
        if (q == 1) return 1;
        double lo = 0;
        double hi = 1;
        double x = 0.5;
        double logB = logBeta(a, b);
        for (int iter = 0; iter < 200; iter++) {
            double f = regularized(x, a, b) - q;
            if (f == 0) return x;
            if (f < 0) lo = x;
            else hi = x;
            double density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB);
            double next = x - f / density;
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.abs(next - x) <= 4 * Math.ulp(x) || hi - lo <= 2 * Math.ulp(x)) {
                return refine(next, q, a, b);
            }
            x = next;
        }
        return x;
    }

    /** Settles the last ulps: the neighbour whose I_x is nearest to q. */
    private static double refine(double x, double q, double a, double b) {
        double best = x;
        double bestErr = Math.abs(regularized(x, a, b) - q);
        for (double c : new double[] {Math.nextDown(x), Math.nextUp(x), Math.nextDown(Math.nextDown(x)), Math.nextUp(Math.nextUp(x))}) {
            if (c <= 0 || c >= 1) continue;
            double err = Math.abs(regularized(c, a, b) - q);
            if (err < bestErr) {
                best = c;
                bestErr = err;
            }
        }
        return best;
    }

    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-17) break;
        }
        return h;
    }

    /**
     * log B(a, b) from the Lanczos sums with the exponentials combined first (as Boost's beta does), which
     * avoids most of the cancellation of log Gamma(a) + log Gamma(b) - log Gamma(a + b).
     */
    static double logBeta(double a, double b) {
        if (a < 0.5 || b < 0.5) return logGamma(a) + logGamma(b) - logGamma(a + b);
        double g = 607.0 / 128.0;
        double c = a + b;
        double ta = a + g - 0.5;
        double tb = b + g - 0.5;
        double tc = c + g - 0.5;
        double sums = Math.log(lanczosSum(a) * lanczosSum(b) / lanczosSum(c));
        double powers = (a - 0.5) * Math.log(ta / tc) + (b - 0.5) * Math.log(tb / tc) - 0.5 * Math.log(tc);
        double exps = -(ta + tb - tc);
        return 0.5 * Math.log(2 * Math.PI) + sums + powers + exps;
    }

    private static double lanczosSum(double x) {
        double sum = LANCZOS[0];
        for (int i = LANCZOS.length - 1; i > 0; i--) sum += LANCZOS[i] / (x - 1 + i);
        return sum;
    }

    private static final double[] LANCZOS = {
        0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
        -0.49191381609762019978, 0.33994649984811888699e-4, 0.46523628927048575665e-4, -0.98374475304879564677e-4,
        0.15808870322491248884e-3, -0.21026444172410488319e-3, 0.21743961811521264320e-3, -0.16431810653676389022e-3,
        0.84418223983852743293e-4, -0.26190838401581408670e-4, 0.36899182659531622704e-5
    };

    /** log Gamma(x) for x &gt; 0 by the Lanczos approximation (g = 607/128), about 1e-15 relative. */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double g = 607.0 / 128.0;
        double sum = LANCZOS[0];
        for (int i = LANCZOS.length - 1; i > 0; i--) {
            sum += LANCZOS[i] / (x - 1 + i);
        }
        double t = x - 1 + g + 0.5;
        return 0.5 * Math.log(2 * Math.PI) + (x - 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
