package jdiffusion.core.backend;

/**
 * Geometry of a 2-D convolution (NCHW input, weight [out, in/groups, kh, kw]), as PyTorch's
 * {@code nn.Conv2d}: symmetric zero padding, stride, dilation and groups.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    public Conv2dParams {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("stride must be >= 1");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("padding must be >= 0");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("dilation must be >= 1");
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1");
    }

    /** Stride {@code stride}, padding {@code padding} on every side, no dilation, one group. */
    public static Conv2dParams of(int stride, int padding) {
        return new Conv2dParams(stride, stride, padding, padding, 1, 1, 1);
    }

    public int outHeight(int inHeight, int kernelH) {
        return (inHeight + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
    }

    public int outWidth(int inWidth, int kernelW) {
        return (inWidth + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
    }
}
