package io.sadump.hmc.web;

import io.sadump.hmc.DisplayLines;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.StorageBytes;
import io.sadump.hmc.StorageRange;
import io.sadump.machine.InvalidValueException;
import java.util.List;

/**
 * The HMC's display functions as lines of text, in the layout {@code sadump hmc DIR display} prints, so an
 * operator sees the same thing in the terminal and in the browser. The values come from {@link HmcMachine};
 * this class only lays them out.
 */
final class DisplayText {
    /** What a browser may ask to display. */
    enum What {
        PSW("PSW"), REGISTERS("Registers"), MEMINFO("Meminfo"), STORAGE("Storage");

        final String title;

        What(String title) {
            this.title = title;
        }

        static What parse(String s) {
            for (What w : values()) {
                if (w.name().equalsIgnoreCase(s)) {
                    return w;
                }
            }
            throw new InvalidValueException("cannot display '" + s + "': psw, registers, meminfo or storage");
        }
    }

    record Display(String title, List<String> lines) {}

    private DisplayText() {}

    static Display of(HmcMachine machine, What what, String address, String length) {
        return switch (what) {
            case PSW -> new Display(what.title, DisplayLines.psw(machine.cpus()));
            case REGISTERS -> new Display(what.title, DisplayLines.registers(machine.cpus()));
            case MEMINFO -> new Display(what.title, DisplayLines.meminfo(machine.meminfo()));
            case STORAGE -> {
                if (address == null || address.isBlank()) {
                    throw new InvalidValueException("display storage needs an address (hex like 0x1200)");
                }
                StorageRange range = StorageRange.parse(address, length == null || length.isBlank() ? null : length);
                StorageBytes b = machine.storage(range);
                yield new Display(String.format("Storage [0x%X, 0x%X)", range.address(),
                        range.address() + range.length()), DisplayLines.hexDump(b));
            }
        };
    }
}
