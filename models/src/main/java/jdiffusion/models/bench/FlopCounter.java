package jdiffusion.models.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.LongAdder;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * Counts the floating-point operations (a multiply-add is 2) of the heavy operations a network runs:
 * convolutions, linear layers and matrix products, and attention's two matrix products. {@link #wrap}
 * gives a backend that forwards every call and counts; used once per benchmark to turn seconds into GFLOP/s.
 */
public final class FlopCounter {

    private final LongAdder conv = new LongAdder();
    private final LongAdder linear = new LongAdder();
    private final LongAdder attention = new LongAdder();

    /** A backend forwarding to {@code inner} that counts into this counter ({@code close} is not forwarded). */
    public Backend wrap(Backend inner) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("close") && m.getParameterCount() == 0) return null;
            Object result;
            try {
                result = m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            count(m.getName(), args, result);
            return result;
        });
    }

    private void count(String op, Object[] args, Object result) {
        switch (op) {
            case "linear" -> {
                Tensor x = (Tensor) args[0];
                Tensor w = (Tensor) args[1];
                linear.add(2L * (x.numel() / x.dim(-1)) * w.dim(0) * w.dim(1));
            }
            case "matmul" -> {
                Tensor a = (Tensor) args[0];
                Tensor b = (Tensor) args[1];
                int n = (Boolean) args[2] ? b.dim(-2) : b.dim(-1);
                linear.add(2L * (a.numel() / a.dim(-1)) * a.dim(-1) * n);
            }
            case "conv2d" -> {
                Tensor w = (Tensor) args[1];
                conv.add(2L * ((Tensor) result).numel() * w.dim(1) * w.dim(2) * w.dim(3));
            }
            case "attention" -> {
                Tensor q = (Tensor) args[0];
                Tensor k = (Tensor) args[1];
                Tensor v = (Tensor) args[2];
                attention.add(2L * q.dim(0) * q.dim(1) * k.dim(1) * (q.dim(2) + (long) v.dim(2)));
            }
            default -> {
            }
        }
    }

    public long convFlops() {
        return conv.sum();
    }

    public long linearFlops() {
        return linear.sum();
    }

    public long attentionFlops() {
        return attention.sum();
    }

    public long totalFlops() {
        return convFlops() + linearFlops() + attentionFlops();
    }
}
