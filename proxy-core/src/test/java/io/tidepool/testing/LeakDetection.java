package io.tidepool.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails a test when Netty's leak detector reports a buffer released by nobody. Netty only
 * logs leaks; this extension listens for them ({@link ByteBufUtil#setLeakListener}), forces
 * a collection after each test, allocates a few tracked buffers (which is when Netty looks at
 * the collected ones) and fails with the leak records. It looks again after the class, so what
 * a class's own teardown leaks (a proxy stopped in {@code @AfterAll}) fails the class.
 *
 * <p>Netty reports a leak with the same access records only once per JVM, so a leak already
 * reported by an earlier test is not seen again.
 *
 * <p>The build runs tests with {@code -Dio.netty.leakDetection.level=paranoid}, so every
 * buffer is tracked.
 */
public final class LeakDetection implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ByteBufUtil.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + "\n" + records));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        collectLeaks();
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        failOnLeaks();
    }

    private static void failOnLeaks() {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) detected:\n" + String.join("\n\n", leaks));
        }
    }

    /** Collects garbage, lets Netty inspect it, and returns (and forgets) the leaks reported. */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            for (int i = 0; i < 8; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                probe.release();
                ByteBuf heapProbe = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                heapProbe.release();
            }
        }
        List<String> found = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return found;
    }
}
