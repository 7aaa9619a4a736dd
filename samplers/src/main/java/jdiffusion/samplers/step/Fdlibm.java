package jdiffusion.samplers.step;

/**
 * The float {@code atan2f} of the C library (the Sun fdlibm algorithm, as GNU libc ships it): argument
 * reduction by atan(1/2), atan(1), atan(3/2) or atan(inf), then an odd polynomial, accurate to about one
 * ulp but not correctly rounded. PyTorch uses it for the elements its vector loops leave over.
 */
final class Fdlibm {

    private Fdlibm() {
    }

    // the decimal constants of the C source (some round to a float other than the one its comments name)
    private static final float[] ATANHI = {4.6364760399e-01f, 7.8539812565e-01f, 9.8279368877e-01f, 1.5707962513e+00f};
    private static final float[] ATANLO = {5.0121582440e-09f, 3.7748947079e-08f, 3.4473217170e-08f, 7.5497894159e-08f};
    private static final float[] AT = {
        3.3333334327e-01f, -2.0000000298e-01f, 1.4285714924e-01f, -1.1111110449e-01f, 9.0908870101e-02f,
        -7.6918758452e-02f, 6.6610731184e-02f, -5.8335702866e-02f, 4.9768779427e-02f, -3.6531571299e-02f,
        1.6285819933e-02f
    };
    private static final float PI_O_4 = 7.8539818525e-01f;
    private static final float PI_O_2 = 1.5707963705e+00f;
    private static final float PI = 3.1415927410e+00f;
    private static final float PI_LO = -8.7422776573e-08f;

    static float atan(float x) {
        int hx = Float.floatToRawIntBits(x);
        int ix = hx & 0x7fffffff;
        int id;
        if (ix >= 0x4c000000) {
            if (ix > 0x7f800000) return x + x;
            return hx > 0 ? ATANHI[3] + ATANLO[3] : -ATANHI[3] - ATANLO[3];
        }
        if (ix < 0x3ee00000) {
            if (ix < 0x31000000) return x;
            id = -1;
        } else {
            x = Math.abs(x);
            if (ix < 0x3f980000) {
                if (ix < 0x3f300000) {
                    id = 0;
                    x = (2.0f * x - 1f) / (2.0f + x);
                } else {
                    id = 1;
                    x = (x - 1f) / (x + 1f);
                }
            } else {
                if (ix < 0x401c0000) {
                    id = 2;
                    x = (x - 1.5f) / (1f + 1.5f * x);
                } else {
                    id = 3;
                    x = -1.0f / x;
                }
            }
        }
        float z = x * x;
        float w = z * z;
        float s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
        float s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
        if (id < 0) return x - x * (s1 + s2);
        z = ATANHI[id] - ((x * (s1 + s2) - ATANLO[id]) - x);
        return hx < 0 ? -z : z;
    }

    static float atan2(float y, float x) {
        int hx = Float.floatToRawIntBits(x);
        int ix = hx & 0x7fffffff;
        int hy = Float.floatToRawIntBits(y);
        int iy = hy & 0x7fffffff;
        if (ix > 0x7f800000 || iy > 0x7f800000) return x + y;
        if (hx == 0x3f800000) return atan(y);
        int m = ((hy >>> 31) & 1) | ((hx >>> 30) & 2);
        if (iy == 0) {
            switch (m) {
                case 0, 1: return y;
                case 2: return PI;
                default: return -PI;
            }
        }
        if (ix == 0) return hy < 0 ? -PI_O_2 : PI_O_2;
        if (ix == 0x7f800000) {
            if (iy == 0x7f800000) {
                return switch (m) {
                    case 0 -> PI_O_4;
                    case 1 -> -PI_O_4;
                    case 2 -> 3.0f * PI_O_4;
                    default -> -3.0f * PI_O_4;
                };
            }
            return switch (m) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> PI;
                default -> -PI;
            };
        }
        if (iy == 0x7f800000) return hy < 0 ? -PI_O_2 : PI_O_2;
        int k = (iy - ix) >> 23;
        float z;
        if (k > 60) z = PI_O_2 + 0.5f * PI_LO;
        else if (hx < 0 && k < -60) z = 0f;
        else z = atan(Math.abs(y / x));
        return switch (m) {
            case 0 -> z;
            case 1 -> -z;
            case 2 -> PI - (z - PI_LO);
            default -> (z - PI_LO) - PI;
        };
    }
}
