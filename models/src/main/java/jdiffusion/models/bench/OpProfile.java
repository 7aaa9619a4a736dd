package jdiffusion.models.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import jdiffusion.core.backend.Backend;

/**
 * Wall time spent in each backend operation ({@code conv2d}, {@code linear}, {@code groupNorm}, ...), to
 * show where a forward pass goes. {@link #wrap} gives a backend that forwards and times every call.
 */
public final class OpProfile {

    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    public Backend wrap(Backend inner) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("close") && m.getParameterCount() == 0) return null;
            long t = System.nanoTime();
            try {
                return m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                nanos.computeIfAbsent(m.getName(), k -> new LongAdder()).add(System.nanoTime() - t);
                calls.computeIfAbsent(m.getName(), k -> new LongAdder()).increment();
            }
        });
    }

    /** Seconds per operation, largest first. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue().sum() / 1e9));
        return out;
    }

    public long calls(String op) {
        LongAdder a = calls.get(op);
        return a == null ? 0 : a.sum();
    }
}
