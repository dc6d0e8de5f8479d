package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerGroupsTest {
    private static final String V1_ROOT = """
            9:name=systemd:/
            4:memory:/process_api/2ae5
            2:cpuacct:/
            1:cpu:/
            0::/
            """;

    @Test
    void cgroupV1DecidesByTheCpuControllersLine() {
        assertThat(SchedulerGroups.inRootCpuCgroup(V1_ROOT, path -> "")).isTrue();
        assertThat(SchedulerGroups.inRootCpuCgroup(
                        "3:cpu,cpuacct:/system.slice/wagw-node.service\n1:name=systemd:/system.slice\n0::/\n",
                        path -> ""))
                .isFalse();
    }

    @Test
    void cgroupV2CountsAServiceAsACpuCgroupOnlyWithTheCpuControllerEnabledForIt() {
        String service = "0::/system.slice/wagw-node.service\n";
        Map<String, String> withCpu = Map.of("/system.slice/wagw-node.service", "cpuset cpu io memory pids\n");
        Map<String, String> withoutCpu = Map.of("/system.slice/wagw-node.service", "memory pids\n");

        assertThat(SchedulerGroups.inRootCpuCgroup(service, path -> withCpu.getOrDefault(path, "")))
                .isFalse();
        assertThat(SchedulerGroups.inRootCpuCgroup(service, path -> withoutCpu.getOrDefault(path, "")))
                .isTrue();
        assertThat(SchedulerGroups.inRootCpuCgroup("0::/\n", path -> "cpu")).isTrue();
    }

    @Test
    void withNothingReadableAProcessCountsAsInTheRootCgroup() {
        assertThat(SchedulerGroups.inRootCpuCgroup("", path -> "")).isTrue();
    }
}
