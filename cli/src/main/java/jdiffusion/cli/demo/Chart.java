package jdiffusion.cli.demo;

import java.util.List;

/** The log-log chart of ODE error against step count, one coloured line per sampler, with a legend. */
final class Chart {

    private Chart() {
    }

    private static final int[] COLORS = {0xe6194b, 0x3cb44b, 0x4363d8, 0xf58231, 0x911eb4, 0x42d4f4, 0xf032e6, 0x808000, 0x000075,
            0x9a6324, 0x469990};

    static Raster errorVsSteps(List<Demo.TableRow> rows, List<String> samplers, int[] steps) {
        int w = 900;
        int h = 560;
        int left = 90;
        int right = 260;
        int top = 50;
        int bottom = 70;
        Raster r = new Raster(w, h, 0xffffff);
        r.text("ODE ERROR VS STEPS (LOG-LOG)", left, 14, 0x202020, 2);
        double minE = Double.POSITIVE_INFINITY;
        double maxE = 0;
        for (Demo.TableRow row : rows) {
            if (Double.isNaN(row.odeError())) continue;
            double e = Math.max(row.odeError(), 1e-7);
            minE = Math.min(minE, e);
            maxE = Math.max(maxE, e);
        }
        int lo = (int) Math.floor(Math.log10(minE));
        int hi = (int) Math.ceil(Math.log10(maxE));
        if (hi == lo) hi = lo + 1;
        double x0 = Math.log(steps[0]);
        double x1 = Math.log(steps[steps.length - 1]);
        int pw = w - left - right;
        int ph = h - top - bottom;
        // axes and grid
        r.line(left, top, left, top + ph, 0x000000, 2);
        r.line(left, top + ph, left + pw, top + ph, 0x000000, 2);
        for (int d = lo; d <= hi; d++) {
            int y = top + (int) Math.round(ph * (hi - d) / (double) (hi - lo));
            r.line(left, y, left + pw, y, 0xdddddd, 1);
            r.text("1E" + d, left - 50, y - 3, 0x404040, 1);
        }
        for (int s : steps) {
            int x = left + (int) Math.round(pw * (Math.log(s) - x0) / (x1 - x0));
            r.line(x, top, x, top + ph, 0xdddddd, 1);
            r.text(Integer.toString(s), x - Raster.textWidth(Integer.toString(s), 1) / 2, top + ph + 8, 0x404040, 1);
        }
        r.text("STEPS", left + pw / 2 - 15, top + ph + 28, 0x202020, 2);
        r.text("RMS", 16, top + ph / 2 - 12, 0x202020, 2);
        r.text("ERROR", 10, top + ph / 2 + 6, 0x202020, 2);
        for (int k = 0; k < samplers.size(); k++) {
            String name = samplers.get(k);
            int color = COLORS[k % COLORS.length];
            int px = -1;
            int py = -1;
            for (Demo.TableRow row : rows) {
                if (!row.sampler().equals(name) || Double.isNaN(row.odeError())) continue;
                double e = Math.max(row.odeError(), 1e-7);
                int x = left + (int) Math.round(pw * (Math.log(row.steps()) - x0) / (x1 - x0));
                int y = top + (int) Math.round(ph * (hi - Math.log10(e)) / (hi - lo));
                y = Math.max(top, Math.min(top + ph, y));
                if (px >= 0) r.line(px, py, x, y, color, 3);
                r.fill(x - 3, y - 3, 7, 7, color);
                px = x;
                py = y;
            }
            int ly = top + 10 + k * 22;
            r.fill(left + pw + 20, ly, 24, 5, color);
            r.text(name, left + pw + 52, ly - 4, 0x202020, 2);
        }
        return r;
    }
}
