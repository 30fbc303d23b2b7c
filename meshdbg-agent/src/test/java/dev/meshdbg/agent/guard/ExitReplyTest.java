package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.rsp.Packet;
import org.junit.jupiter.api.Test;

/** How the target ended, as the debug servers say it (gdbserver writes one hex digit when it can). */
class ExitReplyTest {
    @Test
    void exitRepliesBecomeWaitStatuses() {
        assertThat(Session.exitStatus(Packet.of("X9;process:4357"))).contains(9);
        assertThat(Session.exitStatus(Packet.of("X09"))).contains(9);
        assertThat(Session.exitStatus(Packet.of("W1;process:1f"))).contains(1 << 8);
        assertThat(Session.exitStatus(Packet.of("W00"))).contains(0);
        assertThat(Session.exitStatus(Packet.of("T05thread:p1f.1f;"))).isEmpty();
        assertThat(Session.exitStatus(Packet.of("X1f9zz"))).isEmpty();
        assertThat(Session.exitStatus(Packet.of("OK"))).isEmpty();
    }
}
