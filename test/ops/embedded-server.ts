import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export interface EmbeddedServerProcess {
  url: string;
  dataDir: string;
  /** the postmaster's pid: for kill -9 and SIGSTOP drills */
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts test/ops/embedded-server-process.ts and waits for its server to accept connections. */
export function startEmbeddedServerProcess(dataDir: string, port = 0): Promise<EmbeddedServerProcess> {
  const child = spawn(
    TSX,
    [
      path.join(__dirname, "embedded-server-process.ts"),
      dataDir,
      String(port || 5500 + Math.floor(Math.random() * 400)),
    ],
    {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let output = "";
  let errors = "";
  child.stderr!.on("data", (chunk) => (errors += chunk));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`embedded server process exited (${code}): ${errors}`)));
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
      if (!line) return;
      const started = JSON.parse(line) as { url: string; dataDir: string; pid: number };
      child.removeAllListeners("exit");
      resolve({
        ...started,
        child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
