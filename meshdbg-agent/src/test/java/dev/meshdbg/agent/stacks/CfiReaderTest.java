package dev.meshdbg.agent.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LEB128 and pointer encodings by the DWARF specification's own examples; /proc/PID/maps lines. */
class CfiReaderTest {
    static CfiReader reader(int... bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : bytes) {
            b.put((byte) x);
        }
        return new CfiReader(b, 0x1000, 0x2000, 0);
    }

    @Test
    void leb128AsInTheSpecification() {
        assertThat(reader(0x02).uleb()).isEqualTo(2);
        assertThat(reader(0x7f).uleb()).isEqualTo(127);
        assertThat(reader(0x80, 0x01).uleb()).isEqualTo(128);
        assertThat(reader(0xb9, 0x64).uleb()).isEqualTo(12857);
        assertThat(reader(0x7e).sleb()).isEqualTo(-2);
        assertThat(reader(0x81, 0x7f).sleb()).isEqualTo(-127);
        assertThat(reader(0x80, 0x7f).sleb()).isEqualTo(-128);
        assertThat(reader(0x80, 0x01).sleb()).isEqualTo(128);
    }

    @Test
    void pointersRelativeToTheirOwnPlaceOrTheDataBase() {
        // pcrel|sdata4 at address 0x1000: -16 from there
        assertThat(reader(0xf0, 0xff, 0xff, 0xff).pointer(0x1b)).isEqualTo(0x1000 - 16);
        // datarel|sdata4: from the data base
        assertThat(reader(0x10, 0, 0, 0).pointer(0x3b)).isEqualTo(0x2010);
        assertThat(reader(0x34, 0x12, 0, 0, 0, 0, 0, 0).pointer(0x00)).isEqualTo(0x1234);
    }

    @Test
    void mapsLinesWithAndWithoutPaths() {
        ProcMaps maps = ProcMaps.parse(List.of(
                "55d0c8a00000-55d0c8a02000 r-xp 00001000 08:01 131 /usr/local/bin/envoy",
                "7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0                          [stack]",
                "7f0000000000-7f0000800000 rw-p 00000000 00:00 0 "));
        assertThat(maps.at(0x55d0c8a01000L)).hasValueSatisfying(m -> {
            assertThat(m.path()).isEqualTo("/usr/local/bin/envoy");
            assertThat(m.offset()).isEqualTo(0x1000);
            assertThat(m.executable()).isTrue();
            assertThat(m.fileBacked()).isTrue();
        });
        assertThat(maps.at(0x7ffd1c020ff8L)).hasValueSatisfying(m -> assertThat(m.fileBacked()).isFalse());
        assertThat(maps.at(0x7f00007fff00L)).hasValueSatisfying(m -> assertThat(m.path()).isEmpty());
        assertThat(maps.at(0x10)).isEmpty();
    }
}
