package dev.meshdbg.symbols.dwarf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The abbreviation tables of one .debug_abbrev section, cached per table offset: many units share
 * a table (clang, dwz), and parsing one is most of the cost of a root DIE. A table is parsed only as
 * far as the codes asked for, since a root DIE almost always uses one of the first codes.
 */
final class Abbreviations {
    /** One abbreviation: the tag, and for each attribute its name, form and implicit constant. */
    record Abbrev(int tag, boolean hasChildren, int[] names, int[] forms, long[] implicitConsts) {
    }

    private final ByteBuffer section;
    private final String sectionName;
    private final Map<Long, Table> tables = new ConcurrentHashMap<>();

    Abbreviations(ByteBuffer section, String sectionName) {
        this.section = section;
        this.sectionName = sectionName;
    }

    Abbrev find(long tableOffset, long code) {
        return tables.computeIfAbsent(tableOffset, Table::new).find(code);
    }

    int tableCount() {
        return tables.size();
    }

    /** A table read lazily, entry by entry, up to the code requested. */
    private final class Table {
        private final Map<Long, Abbrev> byCode = new HashMap<>();
        private final DwarfCursor cursor;
        private boolean complete;

        Table(long offset) {
            this.cursor = new DwarfCursor(section, sectionName).seek(offset);
        }

        synchronized Abbrev find(long code) {
            Abbrev a = byCode.get(code);
            while (a == null && !complete) {
                readNext();
                a = byCode.get(code);
            }
            if (a == null) {
                throw new DwarfFormatException("abbreviation code " + code + " is not in the table at "
                        + sectionName + " offset " + cursor.position());
            }
            return a;
        }

        private void readNext() {
            long code = cursor.uleb();
            if (code == 0) {
                complete = true;
                return;
            }
            long tag = cursor.uleb();
            boolean children = cursor.u8() != 0;
            int[] names = new int[8];
            int[] forms = new int[8];
            long[] consts = new long[8];
            int n = 0;
            while (true) {
                long name = cursor.uleb();
                long form = cursor.uleb();
                if (name == 0 && form == 0) {
                    break;
                }
                long implicit = form == DwarfForm.IMPLICIT_CONST ? cursor.sleb() : 0;
                if (n == names.length) {
                    names = java.util.Arrays.copyOf(names, n * 2);
                    forms = java.util.Arrays.copyOf(forms, n * 2);
                    consts = java.util.Arrays.copyOf(consts, n * 2);
                }
                names[n] = (int) Math.min(name, Integer.MAX_VALUE);
                forms[n] = (int) Math.min(form, Integer.MAX_VALUE);
                consts[n] = implicit;
                n++;
            }
            byCode.putIfAbsent(code, new Abbrev((int) Math.min(tag, Integer.MAX_VALUE), children,
                    java.util.Arrays.copyOf(names, n), java.util.Arrays.copyOf(forms, n),
                    java.util.Arrays.copyOf(consts, n)));
        }
    }
}
