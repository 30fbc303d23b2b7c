package dev.meshdbg.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortForwarderTest {
    @Test
    void boundToLoopbackAndReopenedOnTheSamePortWhenTheForwardDies() throws Exception {
        try (FakeCluster cluster = new FakeCluster(); EchoGuard guard = new EchoGuard()) {
            CountDownLatch restored = new CountDownLatch(1);
            PortForwarder forwarder = new PortForwarder(cluster.client, FakeCluster.NS, FakeCluster.POD, guard.port(),
                    new PortForwarder.Listener() {
                        @Override
                        public void restored(LocalEndpoint endpoint) {
                            restored.countDown();
                        }
                    });
            try (forwarder) {
                LocalEndpoint local = forwarder.open(0);
                assertThat(forwarder.current().getLocalAddress().isLoopbackAddress()).isTrue();
                SessionEndingTest.echo(local, "$m0,4#fd");

                forwarder.current().close(); // the whole forward dies
                assertThat(restored.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(forwarder.endpoint()).isEqualTo(local);
                SessionEndingTest.echo(local, "$m0,4#fd");
                assertThat(guard.connections.get()).isEqualTo(2);
            }
            assertThat(forwarder.current().isAlive()).isFalse();
        }
    }
}
