import fs from "node:fs";

/**
 * Linux pressure stall information for the CPU: the share of wall time in which at least one
 * runnable task waited for a CPU. Background work reads it to yield to requests: near 0 on an
 * idle host, high when the cores are saturated. Host-wide inside a container, which is what
 * background work sharing a host with the request path needs.
 */
export interface CpuPressure {
  /** the share (0–1) of the time since the previous call; null when the kernel does not say */
  sample(): number | null;
}

export function readCpuStallMicros(file = "/proc/pressure/cpu"): number | null {
  try {
    const some = fs.readFileSync(file, "utf8").split("\n", 1)[0];
    const total = /total=(\d+)/.exec(some)?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}

export function cpuPressure(
  read: () => number | null = readCpuStallMicros,
  now: () => number = () => performance.now(),
): CpuPressure {
  let last = read();
  let at = now();
  return {
    sample() {
      const stalled = read();
      const time = now();
      const previous = last;
      const elapsedMs = time - at;
      [last, at] = [stalled, time];
      if (stalled === null || previous === null || elapsedMs <= 0) return null;
      return Math.min(1, Math.max(0, (stalled - previous) / 1000 / elapsedMs));
    },
  };
}
