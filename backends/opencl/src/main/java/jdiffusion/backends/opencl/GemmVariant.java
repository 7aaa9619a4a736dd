package jdiffusion.backends.opencl;

import java.util.List;
import java.util.Locale;

/**
 * One build of the kernels behind matrix products and convolutions, named for {@code -Djdiffusion.opencl.gemm}.
 *
 * <p>Classic variants ({@code gemm.cl}, {@code classic16/64/128}): 16 x 16 work-items compute a square tile of
 * 16, 64 or 128, reading any storage type at run time; built when the device's runtime starts, they run
 * every product. Register-blocked variants ({@code sgemm.cl}, e.g. {@code t128x128_k8_8x8}: a 128 x 128
 * output tile per work-group, 8 deep in K per step, 8 x 8 outputs per work-item) are specialised at build
 * time for the problem class (product kind, storage types, vector widths) and built on first use.
 *
 * @param tm rows of the output tile (of A)
 * @param tn columns of the output tile (of B; pixels for a convolution)
 * @param tk depth of K per step through local memory
 * @param rm rows per work-item
 * @param rn columns per work-item
 */
record GemmVariant(String name, boolean classic, int tm, int tn, int tk, int rm, int rn) {

    /** What a product multiplies. */
    enum Kind {
        /** A[M,K] B[K,N] (matmul, 1x1 convolutions). */
        NN(0),
        /** A[M,K] B[N,K]^T (linear, matmul with transposed B). */
        NT(1),
        /** Convolution: A the weights [O, C*KH*KW], B the input gathered as im2col. */
        CONV(2);

        final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    /** Every variant, classic first. */
    static final List<GemmVariant> ALL = List.of(
            classic(16), classic(64), classic(128),
            blocked(128, 128, 8, 8, 8),
            blocked(128, 128, 16, 8, 8),
            blocked(128, 64, 8, 8, 8),
            blocked(64, 128, 8, 8, 8),
            blocked(64, 64, 8, 8, 8),
            blocked(128, 64, 16, 8, 4),
            blocked(64, 128, 16, 4, 8),
            blocked(64, 64, 16, 4, 4),
            // Small tiles for products with few outputs and a long K (a UNet's 8x8 and 16x16 levels): more
            // work-groups, so that every compute unit gets one.
            blocked(64, 32, 16, 4, 4),
            blocked(32, 64, 16, 4, 4),
            blocked(32, 32, 16, 4, 4));

    private static GemmVariant classic(int tile) {
        return new GemmVariant("classic" + tile, true, tile, tile, 16, tile / 16, tile / 16);
    }

    private static GemmVariant blocked(int tm, int tn, int tk, int rm, int rn) {
        return new GemmVariant(String.format(Locale.ROOT, "t%dx%d_k%d_%dx%d", tm, tn, tk, rm, rn), false, tm, tn, tk, rm, rn);
    }

    /** The variant called {@code name}; the error lists the names. */
    static GemmVariant named(String name) {
        for (GemmVariant v : ALL) {
            if (v.name.equalsIgnoreCase(name.trim())) return v;
        }
        throw new IllegalArgumentException("no OpenCL matrix-product variant \"" + name + "\"; the variants are "
                + ALL.stream().map(GemmVariant::name).toList());
    }

    /** Work-items per group along the columns (dimension 0). */
    int threadsX() {
        return classic ? 16 : tn / rn;
    }

    /** Work-items per group along the rows (dimension 1). */
    int threadsY() {
        return classic ? 16 : tm / rm;
    }

    int threads() {
        return threadsX() * threadsY();
    }

    /** Local memory one work-group uses, in bytes. */
    long localBytes() {
        return classic ? 2L * tk * (tm + 4) * 4 : 2L * tk * ((tm + 4) + (tn + 4)) * 4;
    }

    /**
     * Whether the register-blocked kernel can be built for this kind and these global vector widths: every
     * work-item gets the same number of loads, and a convolution's work-items each gather one pixel column.
     */
    boolean fits(Kind kind, int va, int vb) {
        if (classic) return true;
        int nt = threads();
        if (rm % 4 != 0 || rn % 4 != 0 || tm % rm != 0 || tn % rn != 0 || tk % va != 0) return false;
        if ((tm * tk / va) % nt != 0 || nt % (tk / va) != 0) return false;
        return switch (kind) {
            case NN -> (tn * tk / vb) % nt == 0 && tn % vb == 0 && nt % (tn / vb) == 0;
            case NT -> (tn * tk / vb) % nt == 0 && tk % vb == 0 && nt % (tk / vb) == 0;
            case CONV -> vb == 1 && (tn * tk) % nt == 0 && nt % tn == 0;
        };
    }

    /** The build options of the register-blocked kernel for a problem class. */
    String options(Kind kind, int adt, int bdt, int va, int vb) {
        return String.format(Locale.ROOT, "-DKIND=%d -DTM=%d -DTN=%d -DTK=%d -DRM=%d -DRN=%d -DADT=%d -DBDT=%d -DVA=%d -DVB=%d",
                kind.code, tm, tn, tk, rm, rn, adt, bdt, va, vb);
    }

    /** Work-groups needed for an m x n (x batch) output. */
    long groups(long m, long n, long batch) {
        return ((m + tm - 1) / tm) * ((n + tn - 1) / tn) * batch;
    }

    @Override
    public String toString() {
        return name;
    }
}
