package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.plugin.Plugins;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Picking a device by index or name, and what the provider says about the machine. */
class OpenClDeviceTest {

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }

    @Test
    void providerIsFoundByNameAndAvailable() {
        BackendProvider p = Plugins.builtIn().backends().get("opencl");
        assertTrue(p.isAvailable(), p.unavailableReason());
        assertEquals("", p.unavailableReason());
        assertFalse(OpenClBackendProvider.devices().isEmpty());
    }

    @Test
    void deviceIsPickedByIndexOrByNameSubstring() {
        List<ClDevice> devices = ClDevice.all(OpenCl.get());
        ClDevice first = devices.getFirst();
        try (Backend byIndex = new OpenClBackendProvider().create("0", 0)) {
            assertEquals("opencl:0", byIndex.name());
        }
        String word = first.name().split("[^A-Za-z0-9]+")[0].toLowerCase();
        assertEquals(first.name(), ClDevice.select(devices, word.toUpperCase()).name());
        assertEquals(first.name(), ClDevice.select(devices, first.platformName()).name());
        ClDevice byDefault = ClDevice.select(devices, "");
        assertTrue(byDefault.type().equals("GPU") || devices.stream().noneMatch(d -> d.type().equals("GPU")));
    }

    @Test
    void unknownDeviceIsRejectedListingTheDevices() {
        IllegalArgumentException byIndex = assertThrows(IllegalArgumentException.class,
                () -> new OpenClBackendProvider().create("99", 0));
        assertTrue(byIndex.getMessage().contains("no OpenCL device 99") && byIndex.getMessage().contains("opencl:0"),
                byIndex.getMessage());
        IllegalArgumentException byName = assertThrows(IllegalArgumentException.class,
                () -> new OpenClBackendProvider().create("no-such-device", 0));
        assertTrue(byName.getMessage().contains("\"no-such-device\"") && byName.getMessage().contains("opencl:0"),
                byName.getMessage());
    }
}
