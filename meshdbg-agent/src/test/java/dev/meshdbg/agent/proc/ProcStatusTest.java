package dev.meshdbg.agent.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatusTest {
    @Test
    void nestedPidNamespaceGivesTheInnerPidLast() {
        ProcStatus s = ProcStatus.parse(4242, """
                Name:\tenvoy
                Umask:\t0022
                State:\tS (sleeping)
                Tgid:\t4242
                Ngid:\t0
                Pid:\t4242
                PPid:\t4200
                NStgid:\t4242\t17\t1
                NSpid:\t4242\t17\t1
                """);
        assertThat(s.name()).isEqualTo("envoy");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(4200);
        assertThat(s.nsPids()).containsExactly(4242, 17, 1);
        assertThat(s.innerPid()).isEqualTo(1);
    }

    @Test
    void hostProcessAndTracingStop() {
        ProcStatus s = ProcStatus.parse(99, "Name:\tenvoy-like\nState:\tt (tracing stop)\nPPid:\t1\nNSpid:\t99\n");
        assertThat(s.innerPid()).isEqualTo(99);
        assertThat(s.state()).isEqualTo('t');
    }

    @Test
    void oldKernelWithoutNSpidUsesTheHostPid() {
        ProcStatus s = ProcStatus.parse(7, "Name:\tx\nState:\tR (running)\nPPid:\t1\n");
        assertThat(s.innerPid()).isEqualTo(7);
    }
}
