package jdiffusion.samplers.step;

import java.util.function.DoubleUnaryOperator;

/**
 * Numerical integration as QUADPACK's {@code dqagse} (Piessens et al. 1983), which
 * {@code scipy.integrate.quad} calls: the 21-point Gauss-Kronrod rule with QUADPACK's error estimate, and
 * adaptive bisection of the worst interval until the requested accuracy is met.
 */
public final class GaussKronrod {

    private GaussKronrod() {
    }

    private static final double[] XGK = {
        0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
        0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
        0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
        0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
        0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
        0.000000000000000000000000000000000
    };
    private static final double[] WGK = {
        0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
        0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
        0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
        0.123491976262065851077958109831074, 0.134709217311473325928054001771707,
        0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
        0.149445554002916905664936468389821
    };
    private static final double[] WG = {
        0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
        0.219086362515982043995534934228163, 0.269266719309996355091226921569469,
        0.295524224714752870173892994651338
    };
    private static final double EPMACH = Math.ulp(1.0);
    private static final double UFLOW = Double.MIN_NORMAL;

    /** One 21-point rule on [a, b]: {result, abserr, integral of |f|, integral of |f - mean|}. */
    static double[] qk21(DoubleUnaryOperator f, double a, double b) {
        double centr = 0.5 * (a + b);
        double hlgth = 0.5 * (b - a);
        double dhlgth = Math.abs(hlgth);
        double resg = 0;
        double fc = f.applyAsDouble(centr);
        double resk = WGK[10] * fc;
        double resabs = Math.abs(resk);
        double[] fv1 = new double[10];
        double[] fv2 = new double[10];
        for (int j = 1; j <= 5; j++) {
            int jtw = 2 * j - 1; // Fortran index 2j
            double absc = hlgth * XGK[jtw];
            double fval1 = f.applyAsDouble(centr - absc);
            double fval2 = f.applyAsDouble(centr + absc);
            fv1[jtw] = fval1;
            fv2[jtw] = fval2;
            double fsum = fval1 + fval2;
            resg = resg + WG[j - 1] * fsum;
            resk = resk + WGK[jtw] * fsum;
            resabs = resabs + WGK[jtw] * (Math.abs(fval1) + Math.abs(fval2));
        }
        for (int j = 1; j <= 5; j++) {
            int jtwm1 = 2 * j - 2; // Fortran index 2j - 1
            double absc = hlgth * XGK[jtwm1];
            double fval1 = f.applyAsDouble(centr - absc);
            double fval2 = f.applyAsDouble(centr + absc);
            fv1[jtwm1] = fval1;
            fv2[jtwm1] = fval2;
            double fsum = fval1 + fval2;
            resk = resk + WGK[jtwm1] * fsum;
            resabs = resabs + WGK[jtwm1] * (Math.abs(fval1) + Math.abs(fval2));
        }
        double reskh = resk * 0.5;
        double resasc = WGK[10] * Math.abs(fc - reskh);
        for (int j = 0; j < 10; j++) {
            resasc = resasc + WGK[j] * (Math.abs(fv1[j] - reskh) + Math.abs(fv2[j] - reskh));
        }
        double result = resk * hlgth;
        resabs = resabs * dhlgth;
        resasc = resasc * dhlgth;
        double abserr = Math.abs((resk - resg) * hlgth);
        if (resasc != 0 && abserr != 0) abserr = resasc * Math.min(1, Math.pow(200 * abserr / resasc, 1.5));
        if (resabs > UFLOW / (50 * EPMACH)) abserr = Math.max((EPMACH * 50) * resabs, abserr);
        return new double[] {result, abserr, resabs, resasc};
    }

    /**
     * The integral of f over [a, b] to max(epsabs, epsrel |I|): accepted after the first 21-point rule when
     * its error estimate allows (as {@code dqagse}), otherwise by bisecting the interval with the largest
     * error estimate, up to {@code limit} intervals.
     */
    public static double integrate(DoubleUnaryOperator f, double a, double b, double epsabs, double epsrel, int limit) {
        double[] first = qk21(f, a, b);
        double result = first[0];
        double abserr = first[1];
        double defabs = first[2];
        double resasc = first[3];
        double errbnd = Math.max(epsabs, epsrel * Math.abs(result));
        if ((abserr <= 1e2 * EPMACH * defabs && abserr > errbnd) || limit == 1
                || (abserr <= errbnd && abserr != resasc) || abserr == 0) {
            return result;
        }
        // adaptive bisection of the interval with the largest error
        java.util.List<double[]> parts = new java.util.ArrayList<>();
        parts.add(new double[] {a, b, result, abserr});
        while (parts.size() < limit) {
            int worst = 0;
            for (int k = 1; k < parts.size(); k++) {
                if (parts.get(k)[3] > parts.get(worst)[3]) worst = k;
            }
            double[] p = parts.remove(worst);
            double mid = 0.5 * (p[0] + p[1]);
            double[] left = qk21(f, p[0], mid);
            double[] right = qk21(f, mid, p[1]);
            parts.add(new double[] {p[0], mid, left[0], left[1]});
            parts.add(new double[] {mid, p[1], right[0], right[1]});
            double area = 0;
            double err = 0;
            for (double[] q : parts) {
                area += q[2];
                err += q[3];
            }
            if (err <= Math.max(epsabs, epsrel * Math.abs(area))) return area;
        }
        double area = 0;
        for (double[] q : parts) area += q[2];
        return area;
    }
}
