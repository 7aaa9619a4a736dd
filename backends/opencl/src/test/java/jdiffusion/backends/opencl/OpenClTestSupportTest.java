package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The rule that keeps CI from passing with the OpenCL backend untested. */
class OpenClTestSupportTest {

    @Test
    void missingPlatformSkipsLocallyButFailsUnderCi() {
        assertEquals(OpenClTestSupport.Verdict.RUN, OpenClTestSupport.verdict("", "true"));
        assertEquals(OpenClTestSupport.Verdict.RUN, OpenClTestSupport.verdict("", null));
        assertEquals(OpenClTestSupport.Verdict.SKIP, OpenClTestSupport.verdict("no OpenCL platform", null));
        assertEquals(OpenClTestSupport.Verdict.SKIP, OpenClTestSupport.verdict("no OpenCL platform", "false"));
        assertEquals(OpenClTestSupport.Verdict.FAIL, OpenClTestSupport.verdict("no OpenCL platform", "true"));
        assertEquals(OpenClTestSupport.Verdict.FAIL, OpenClTestSupport.verdict("no OpenCL library found", "TRUE"));
    }

    @Test
    void errorNamesAreTheOpenClSymbols() {
        assertEquals("CL_OUT_OF_RESOURCES", OpenClException.errorName(-5));
        assertEquals("CL_INVALID_WORK_GROUP_SIZE", OpenClException.errorName(-54));
        assertEquals("CL_PLATFORM_NOT_FOUND_KHR", OpenClException.errorName(-1001));
        assertEquals("CL_UNKNOWN_ERROR", OpenClException.errorName(-12345));
        OpenClException e = new OpenClException("clEnqueueNDRangeKernel", -5, "gemm", "global [16, 16, 1]");
        assertEquals("clEnqueueNDRangeKernel (kernel gemm) failed: CL_OUT_OF_RESOURCES (-5): global [16, 16, 1]",
                e.getMessage());
    }
}
