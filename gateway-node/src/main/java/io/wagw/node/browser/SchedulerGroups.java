package io.wagw.node.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * How the kernel shares the CPU between this node and its browsers (Linux). With the scheduler's autogroups on
 * ({@code kernel.sched_autogroup_enabled=1}, Debian's default) each session of processes is one group for the
 * scheduler, and Playwright starts every browser in a session of its own: in a burst each browser then gets as
 * much CPU as the node's JVM, whatever its renderers' nice value. Autogroups only apply to processes in the root
 * cgroup of the CPU controller: a systemd unit with {@code CPUWeight=} set (as the Ansible role's is) puts the
 * node, its drivers and its browsers into one CPU cgroup of their own, where nice values order them again.
 */
public final class SchedulerGroups {
    private SchedulerGroups() {}

    /** Whether autogroups decide how this process and the browsers it starts share the CPU. */
    public static boolean autogroupsApply() {
        return autogroupsEnabled()
                && inRootCpuCgroup(
                        read(Path.of("/proc/self/cgroup")),
                        path -> read(Path.of("/sys/fs/cgroup", path.substring(1), "cgroup.controllers")));
    }

    /** Whether the kernel's autogroups are on ({@code /proc/sys/kernel/sched_autogroup_enabled}). */
    private static boolean autogroupsEnabled() {
        return read(Path.of("/proc/sys/kernel/sched_autogroup_enabled")).strip().equals("1");
    }

    /**
     * Whether a process with this {@code /proc/PID/cgroup} is in the root cgroup of the CPU controller, as far as
     * it can see. cgroup v1 (or a hybrid host): the line naming the {@code cpu} controller decides. cgroup v2: the
     * unified line ({@code 0::/path}) decides; a cgroup other than the root is a CPU cgroup only when the
     * {@code cpu} controller is enabled for it, which its {@code cgroup.controllers} lists.
     *
     * @param procCgroup    the text of {@code /proc/PID/cgroup}
     * @param controllersOf a cgroup v2 path to the text of its {@code cgroup.controllers} ("" when unreadable)
     */
    static boolean inRootCpuCgroup(String procCgroup, Function<String, String> controllersOf) {
        String unified = null;
        for (String line : procCgroup.split("\n")) {
            String[] fields = line.strip().split(":", 3);
            if (fields.length != 3) {
                continue;
            }
            if (Arrays.asList(fields[1].split(",")).contains("cpu")) {
                return fields[2].equals("/");
            }
            if (fields[0].equals("0") && fields[1].isEmpty()) {
                unified = fields[2];
            }
        }
        if (unified == null || unified.equals("/")) {
            return true;
        }
        return !Arrays.asList(controllersOf.apply(unified).strip().split("\\s+"))
                .contains("cpu");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
