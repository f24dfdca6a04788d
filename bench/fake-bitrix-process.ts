/**
 * The fake Bitrix for the bench, in its own process so its work does not land on the load
 * generator's event loop. Answers every request after FAKE_BITRIX_DELAY_MS; prints its URL.
 */
import { startFakeBitrix } from "../test/fake-bitrix";

async function main() {
  const delayMs = Number(process.env.FAKE_BITRIX_DELAY_MS ?? 50);
  const fake = await startFakeBitrix();
  fake.respond(() => ({ status: 200, body: { status: "ok" }, delayMs }));
  // keep memory flat over long runs: the bench counts deliveries in the database
  setInterval(() => fake.requests.splice(0), 1_000).unref();
  process.on("SIGTERM", () => void fake.close().finally(() => process.exit(0)));
  console.log(JSON.stringify({ url: fake.url }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
