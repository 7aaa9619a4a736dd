package jdiffusion.models.conformance;

import java.util.concurrent.Callable;

/** A value computed once on first use (a model shared by a group's cases); a failure is remembered and rethrown. */
final class Memo<T> {

    private final Callable<T> compute;
    private T value;
    private Exception failure;
    private boolean done;

    Memo(Callable<T> compute) {
        this.compute = compute;
    }

    synchronized T get() throws Exception {
        if (!done) {
            try {
                value = compute.call();
            } catch (Exception e) {
                failure = e;
            }
            done = true;
        }
        if (failure != null) throw failure;
        return value;
    }
}
