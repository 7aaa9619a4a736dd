package jdiffusion.backends.tornadovm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.plugin.Plugins;
import org.junit.jupiter.api.Test;

/** Device selection, and the refusal to let TornadoVM fall back to plain Java. */
class TornadoVmProviderTest {

    @Test
    void providerIsFoundByNameAndAvailable() {
        var p = Plugins.builtIn().backends().get("tornadovm");
        assertTrue(p.isAvailable(), p.unavailableReason());
    }

    @Test
    void deviceIsPickedByIndexOrName() {
        try (Backend b = new TornadoVmBackendProvider().create("0", 0)) {
            assertEquals("tornadovm:0", b.name());
        }
        String device = ((TornadoVmBackend) new TornadoVmBackendProvider().create("", 0)).deviceDescription();
        String word = device.split("[^A-Za-z0-9]+")[0];
        try (Backend b = new TornadoVmBackendProvider().create(word, 0)) {
            assertTrue(b.name().startsWith("tornadovm:"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TornadoVmBackendProvider().create("no-such-device", 0));
        assertTrue(e.getMessage().contains("tornadovm:0"), e.getMessage());
    }

    @Test
    void fallbackToTheJvmIsRefused() {
        String before = System.getProperty("tornado.recover.bailout");
        System.setProperty("tornado.recover.bailout", "True");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TornadoVmBackendProvider().create("", 0));
            assertTrue(e.getMessage().contains("-Dtornado.recover.bailout=False"), e.getMessage());
        } finally {
            System.setProperty("tornado.recover.bailout", before == null ? "False" : before);
        }
    }
}
