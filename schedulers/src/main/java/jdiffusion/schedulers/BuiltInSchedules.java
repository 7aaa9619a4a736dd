package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.schedule.SigmaSchedule;

/**
 * The sigma schedules this module provides, for callers that want them without service loading. The same
 * list is declared to {@link java.util.ServiceLoader}.
 */
public final class BuiltInSchedules {

    private BuiltInSchedules() {
    }

    /** Fresh instances of every built-in schedule, in a stable order. */
    public static List<SigmaSchedule> all() {
        return List.of(
                new NormalSchedule(),
                new KarrasSchedule(),
                new ExponentialSchedule(),
                new PolyexponentialSchedule(),
                new BetaDistributionSchedule(),
                new SgmUniformSchedule(),
                new SimpleSchedule(),
                new DdimUniformSchedule(),
                new AlignYourStepsSchedule(),
                new GitsSchedule(),
                new KlOptimalSchedule(),
                new LinearQuadraticSchedule(),
                new LaplaceSchedule(),
                new VpSchedule(),
                new FlowShiftSchedule(),
                new CustomSchedule());
    }
}
