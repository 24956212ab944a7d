package dev.oauthsmtprelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time and peak memory of a process, from Linux's /proc. */
final class ProcessMeter {

    private ProcessMeter() {
    }

    /** utime + stime from /proc/PID/stat, in clock ticks of 1/100 s (the Linux USER_HZ). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /**
     * Voluntary and involuntary context switches of the process's threads alive now (a thread that ended takes its
     * count with it; the pools that do the work live through a run).
     */
    static long contextSwitches(long pid) throws IOException {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                } catch (IOException threadEnded) {
                    // the thread ended while the others were listed
                }
            }
        }
        return total;
    }

    /** VmHWM: the highest resident set size the process has had. */
    static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** CPU time of the whole machine (all cores, user + system, no idle or I/O wait) since boot, in seconds. */
    static double machineCpuSeconds() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) { // user nice system irq softirq
            busy += Long.parseLong(fields[i]);
        }
        return busy / 100.0;
    }
}
