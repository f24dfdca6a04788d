import { spawn } from "node:child_process";
import path from "node:path";
import { TEST_WEBHOOK_SECRET } from "../../test/harness";

/** The Bitrix side's command line for tests (bitrix/tests/cli.php), run by Debian's php-cli. */
const CLI = path.join(__dirname, "cli.php");

export interface PhpResult {
  code: number | null;
  out: any;
  stderr: string;
}

/** Runs bitrix/tests/cli.php (async: the stack answering it runs in the test's process). */
export function php(command: string[], input: unknown, env: Record<string, string>): Promise<PhpResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("php", [CLI, ...command], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      let out: unknown = stdout;
      try {
        out = JSON.parse(stdout);
      } catch {
        // left as text: the assertion shows it
      }
      resolve({ code, out, stderr });
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The handlers' settings: where to post, the secret, the durable queue's folder. */
export function handlerEnv(apiUrl: string, queueDir: string, extra: Record<string, string> = {}) {
  return {
    CVETY_API_URL: apiUrl,
    CVETY_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    CVETY_QUEUE_DIR: queueDir,
    CVETY_TIMEOUT_SECONDS: "5",
    ...extra,
  };
}
