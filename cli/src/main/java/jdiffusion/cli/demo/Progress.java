package jdiffusion.cli.demo;

import java.io.PrintWriter;

/** A text progress bar on one line (redrawn with carriage returns on a terminal, every tenth otherwise). */
final class Progress {

    private final PrintWriter out;
    private final int total;
    private final boolean terminal;
    private int done;
    private int lastDecile = -1;

    Progress(PrintWriter out, int total, boolean terminal) {
        this.out = out;
        this.total = Math.max(1, total);
        this.terminal = terminal;
    }

    void step(String what) {
        done = Math.min(total, done + 1);
        int percent = done * 100 / total;
        int width = 30;
        int filled = done * width / total;
        String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + String.format("%3d%%", percent) + " " + what;
        if (terminal) {
            out.print("\r" + bar + " ".repeat(Math.max(0, 20 - what.length())));
            if (done == total) out.println();
            out.flush();
        } else if (percent / 10 != lastDecile) {
            lastDecile = percent / 10;
            out.println(bar);
            out.flush();
        }
    }
}
