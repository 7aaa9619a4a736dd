package jdiffusion.samplers;

/**
 * {@code torch.sum} of a contiguous float32 vector on the CPU in torch 1.13's summation order (ATen's
 * {@code cascade_sum}: eight-lane vectors accumulated in four interleaved rows with a cascade of levels,
 * then the lanes added in order), so that sums of a few hundred values round as the reference's do.
 */
final class TorchSum {

    private TorchSum() {
    }

    private static final int LANES = 8;
    private static final int ILP = 4;
    private static final int LEVELS = 4;

    static float of(float[] v) {
        int n = v.length;
        if (n < LANES) {
            float acc = 0f;
            for (float f : v) acc += f;
            return acc;
        }
        int vecCount = n / LANES;
        int rows = vecCount / ILP;
        int levelPower = Math.max(4, ceilLog2(rows) / LEVELS);
        int levelStep = 1 << levelPower;
        int levelMask = levelStep - 1;
        float[][][] acc = new float[LEVELS][ILP][LANES];
        int i = 0;
        while (i + levelStep <= rows) {
            for (int j = 0; j < levelStep; j++, i++) addRow(acc[0], v, i);
            for (int j = 1; j < LEVELS; j++) {
                for (int k = 0; k < ILP; k++) {
                    for (int l = 0; l < LANES; l++) {
                        acc[j][k][l] += acc[j - 1][k][l];
                        acc[j - 1][k][l] = 0f;
                    }
                }
                int mask = levelMask << (j * levelPower);
                if ((i & mask) != 0) break;
            }
        }
        for (; i < rows; i++) addRow(acc[0], v, i);
        for (int j = 1; j < LEVELS; j++) {
            for (int k = 0; k < ILP; k++) {
                for (int l = 0; l < LANES; l++) acc[0][k][l] += acc[j][k][l];
            }
        }
        float[] partial = acc[0][0];
        for (int vi = rows * ILP; vi < vecCount; vi++) {
            for (int l = 0; l < LANES; l++) partial[l] += v[vi * LANES + l];
        }
        for (int k = 1; k < ILP; k++) {
            for (int l = 0; l < LANES; l++) partial[l] += acc[0][k][l];
        }
        float out = 0f;
        for (int t = vecCount * LANES; t < n; t++) out += v[t];
        for (int l = 0; l < LANES; l++) out += partial[l];
        return out;
    }

    private static void addRow(float[][] acc, float[] v, int row) {
        for (int k = 0; k < ILP; k++) {
            int base = (row * ILP + k) * LANES;
            for (int l = 0; l < LANES; l++) acc[k][l] += v[base + l];
        }
    }

    private static int ceilLog2(int x) {
        if (x <= 1) return 0;
        return 32 - Integer.numberOfLeadingZeros(x - 1);
    }
}
