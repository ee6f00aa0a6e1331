package io.sadump.hmc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import io.sadump.hmc.TestMachines;
import io.sadump.machine.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The site: which machines it serves, and the one door to them (permission checked, refusals audited). */
class HmcSiteTest {
    @TempDir
    Path tmp;

    @Test
    void aParentServesItsMachinesAndTasksAndRefusalsAreAudited() throws Exception {
        Path fleet = Files.createDirectories(tmp.resolve("fleet"));
        TestMachines.copy(fleet.resolve("sys1"));
        TestMachines.copy(fleet.resolve("sys2"));
        Files.createDirectories(fleet.resolve("not-a-machine"));
        Path lab = TestMachines.copy(tmp.resolve("lab").resolve("lab1"));
        HmcState state = HmcState.at(tmp.resolve("state"));
        HmcSite site = HmcSite.of(List.of(fleet, lab), state);
        assertThat(site.machineNames()).containsExactly("lab1", "sys1", "sys2");

        HmcUser viewer = new HmcUser("vera", "viewer", false, Instant.EPOCH, Instant.EPOCH);
        HmcUser operator = new HmcUser("otto", "operator", false, Instant.EPOCH, Instant.EPOCH);
        assertThat(site.machine(viewer, HmcTask.DISPLAY, "sys1", "web 127.0.0.1").status().name()).isEqualTo("sys1");
        assertThatThrownBy(() -> site.machine(viewer, HmcTask.STOP, "sys1", "web 127.0.0.1"))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> site.machine(operator, HmcTask.STOP, "sys9", "api 10.0.0.1"))
                .isInstanceOf(ObjectNotFoundException.class);
        HmcMachine m = site.machine(operator, HmcTask.STOP, "sys2", "api 10.0.0.1");
        m.stop(new TaskContext("otto", "api 10.0.0.1", TaskObserver.NONE));
        assertThatThrownBy(() -> site.check(operator, HmcTask.MANAGE_USERS, "web 127.0.0.1"))
                .isInstanceOf(NotPermittedException.class);

        AuditLog.Report r = site.audit().read();
        assertThat(r.intact()).isTrue();
        assertThat(r.entries()).extracting(e -> e.user() + " " + e.task() + " " + e.machine().orElse("-") + " "
                + e.allowed()).containsExactly("vera Stop All sys1 false", "otto Stop All sys9 false",
                        "otto Stop All sys2 true", "otto Manage Users - false");
        assertThat(r.entries().get(2).dir()).contains(fleet.resolve("sys2").toAbsolutePath().normalize().toString());
        assertThat(r.entries().get(2).address()).isEqualTo("api 10.0.0.1");
    }

    @Test
    void twoMachinesOfOneNameAndNonMachinesAreRefused() throws Exception {
        TestMachines.copy(tmp.resolve("a").resolve("sys1"));
        TestMachines.copy(tmp.resolve("b").resolve("sys1"));
        HmcState state = HmcState.at(tmp.resolve("state"));
        assertThatThrownBy(() -> HmcSite.of(List.of(tmp.resolve("a"), tmp.resolve("b")), state))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("two machines are named 'sys1'");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> HmcSite.of(List.of(tmp.resolve("empty")), state))
                .hasMessageContaining("is neither a machine directory nor holds any");
        assertThatThrownBy(() -> HmcSite.of(List.of(tmp.resolve("nope")), state, Optional.empty()))
                .hasMessageContaining("no machine directory");
        // the same directory named twice is one machine
        assertThat(HmcSite.of(List.of(tmp.resolve("a"), tmp.resolve("a/sys1")), state).machineNames())
                .containsExactly("sys1");
    }
}
