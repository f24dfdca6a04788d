import { execFileSync } from "node:child_process";
import type { PartName, PartProcess } from "./processes";
import { sleep } from "./load";

/**
 * The drill's faults, one small function each: it strikes, brings the part back, and answers
 * when the process returned (its port answers, or PostgreSQL accepts connections again). The
 * drill then measures the time from there to the router's /ready.
 */
export interface DatabaseHandle {
  /** the postmaster's pid */
  readonly pid: number;
  /** SIGKILLs whatever is left of the server's process and starts it again on the same data and port */
  restart(): Promise<void>;
}

export interface FaultTarget {
  parts: Record<PartName, PartProcess>;
  database: DatabaseHandle;
}

export interface Fault {
  name: string;
  /** answers Date.now() at the moment the struck process is back */
  strike(target: FaultTarget): Promise<number>;
}

/** kill -9 one part, then start it again as its supervisor (docker-compose's restart policy) would. */
export function killPart(part: PartName): Fault {
  return {
    name: `kill -9 ${part}`,
    async strike({ parts }) {
      await parts[part].signal("SIGKILL");
      await parts[part].start({ answering: true });
      return Date.now();
    },
  };
}

/** kill -9 the postmaster (its backends follow), then start the server again: crash recovery from the WAL. */
export const killPostgres: Fault = {
  name: "kill -9 postgres",
  async strike({ database }) {
    process.kill(database.pid, "SIGKILL");
    await database.restart();
    return Date.now();
  },
};

/** The postmaster and every backend: a paused server is all of them (a full disk's fsync, a VM stall). */
function serverProcesses(postmaster: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync("ps", ["-o", "pid=", "--ppid", String(postmaster)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    // no children: ps exits 1
  }
  return [postmaster, ...children];
}

export function pausePostgres(seconds: number): Fault {
  return {
    name: `SIGSTOP postgres ${seconds} s`,
    async strike({ database }) {
      const paused = serverProcesses(database.pid);
      for (const pid of paused) process.kill(pid, "SIGSTOP");
      await sleep(seconds * 1000);
      for (const pid of paused) process.kill(pid, "SIGCONT");
      return Date.now();
    },
  };
}

export const ALL_FAULTS: Fault[] = [
  killPart("router"),
  killPart("catalog"),
  killPart("orders"),
  killPart("warehouse"),
  killPart("workers"),
  killPostgres,
  pausePostgres(10),
];
