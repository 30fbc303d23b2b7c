package dev.meshdbg.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdbg.agent.rsp.Packet;
import dev.meshdbg.agent.server.DebugServer;
import org.junit.jupiter.api.Test;

class TargetStateTest {
    private final TargetState state = new TargetState();

    private void exchange(String command, String reply) {
        state.clientSent(Packet.of(command));
        state.serverSent(Packet.of(reply));
    }

    @Test
    void tracksInsertsThatSucceededAndRemovals() {
        exchange("Z0,55aeb69c1f81,1", "OK");
        exchange("Z0,7f2e20d81060,1;X3,2201", "OK"); // with a target-side condition
        exchange("Z2,7ffc0010,8", "OK");
        exchange("Z1,1000,1", "E01"); // refused: nothing to remove later
        exchange("z0,7f2e20d81060,1", "OK");
        assertThat(state.breakpoints().all()).extracting(Breakpoints.Breakpoint::removePacket)
                .containsExactly("z0,55aeb69c1f81,1", "z2,7ffc0010,8");
    }

    @Test
    void knowsWhenTheTargetRunsAndStops() {
        state.attached();
        assertThat(state.running()).isFalse();
        state.clientSent(Packet.of("vCont;c:p2085.-1"));
        assertThat(state.running()).isTrue();
        assertThat(state.stoppedNanos()).isZero();
        state.serverSent(Packet.of("O68690a")); // console output, not the stop
        assertThat(state.running()).isTrue();
        assertThat(state.pending()).isEqualTo("vCont;c:p2085.-1");
        state.serverSent(Packet.of("T05swbreak:;thread:p2085.2085;"));
        assertThat(state.running()).isFalse();
        assertThat(state.pending()).isNull();
    }

    @Test
    void nonStopFollowsEachThreadFromTheNotificationsAndTheResumes() throws Exception {
        state.attached();
        exchange("QNonStop:1", "OK");
        assertThat(state.nonStop()).isTrue();
        assertThat(state.running()).isFalse();
        // Until '?' names them, the threads the attach stopped count as one, stopped since the attach.
        assertThat(state.stoppedThreads()).isEqualTo(1);
        Thread.sleep(20);
        exchange("?", "T0006:30ef;thread:p2289.2289;core:1;");
        exchange("vStopped", "OK");
        assertThat(state.stoppedThreads()).isEqualTo(1);
        assertThat(state.stoppedNanos()).isGreaterThanOrEqualTo(20_000_000L);

        exchange("vCont;c", "OK"); // every thread
        assertThat(state.stoppedThreads()).isZero();
        assertThat(state.stoppedNanos()).isZero();
        assertThat(state.running()).as("no client waits for a stop reply in non-stop mode").isFalse();

        // A worker stops while the client reads memory: the notification is no reply.
        state.clientSent(Packet.of("m5567670c9643,1"));
        state.serverSent(Packet.notification("Stop:T05swbreak:;06:20bb;thread:p2289.228b;core:0;"));
        assertThat(state.pending()).isEqualTo("m5567670c9643,1");
        state.serverSent(Packet.of("cc"));
        assertThat(state.pending()).isNull();
        // The acknowledgement's reply reports another thread stopped meanwhile; OK ends the list.
        exchange("vStopped", "T05swbreak:;thread:p2289.228f;core:1;");
        exchange("vStopped", "OK");
        assertThat(state.stoppedThreads()).isEqualTo(2);
        assertThat(state.stoppedNanos()).isPositive();

        exchange("vCont;c:p2289.228b", "OK"); // that thread alone
        assertThat(state.stoppedThreads()).isEqualTo(1);
        exchange("vCont;t:p2289.228b", "OK"); // a stop request resumes nothing
        assertThat(state.stoppedThreads()).isEqualTo(1);
        exchange("vCont;s:p2289.228f", "OK");
        assertThat(state.stoppedThreads()).isZero();

        state.serverSent(Packet.notification("Stop:W00;process:8c1"));
        assertThat(state.exited()).isTrue();
    }

    @Test
    void allStopIgnoresStopNotifications() {
        state.attached();
        state.clientSent(Packet.of("vCont;c"));
        state.serverSent(Packet.notification("Stop:T05thread:p1.1;"));
        assertThat(state.running()).isTrue();
        assertThat(state.pending()).isEqualTo("vCont;c");
    }

    @Test
    void seesExitsDetachesAndMultiprocess() {
        exchange("qSupported:multiprocess+;swbreak+", "PacketSize=47ff;multiprocess+;QStartNoAckMode+");
        assertThat(state.multiprocess()).isTrue();
        exchange("D;825", "OK");
        assertThat(state.detachedByClient()).isTrue();
        exchange("c", "W00");
        assertThat(state.exited()).isTrue();
    }

    @Test
    void classifiesResumesAndKills() {
        assertThat(TargetState.isResume("vCont;c:p1.-1")).isTrue();
        assertThat(TargetState.isResume("vCont;s:p1.1;c")).isTrue();
        assertThat(TargetState.isResume("vCont;t:p1.1")).isFalse();
        assertThat(TargetState.isResume("vCont?")).isFalse();
        assertThat(TargetState.isResume("c")).isTrue();
        assertThat(TargetState.isResume("C05")).isTrue();
        assertThat(TargetState.isResume("qC")).isFalse();
        assertThat(TargetState.isKill("k")).isTrue();
        assertThat(TargetState.isKill("vKill;825")).isTrue();
        assertThat(TargetState.isKill("kx")).isFalse();
    }

    @Test
    void tellsGdbFromLldbByTheirQSupported() {
        // As sent by gdb 13 and lldb 19 on x86-64 (gdb sends xmlRegisters=i386 too).
        String gdb = "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;"
                + "vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386";
        String lldb = "qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+";
        assertThat(Debuggers.pairedServer(gdb)).contains(DebugServer.Kind.GDBSERVER);
        assertThat(Debuggers.pairedServer(lldb)).contains(DebugServer.Kind.LLDB_SERVER);
        assertThat(Debuggers.pairedServer("qSupported:multiprocess+")).isEmpty();
        assertThat(Debuggers.mismatch(lldb, DebugServer.Kind.GDBSERVER)).get().asString()
                .contains("lldb against gdbserver crashes the target");
        assertThat(Debuggers.mismatch(gdb, DebugServer.Kind.GDBSERVER)).isEmpty();
    }

    @Test
    void describesDurationsTheWayTheyAreTyped() {
        assertThat(Guard.describe(java.time.Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Guard.describe(java.time.Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Guard.describe(java.time.Duration.ofMillis(500))).isEqualTo("500ms");
    }
}
