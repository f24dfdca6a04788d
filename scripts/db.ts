/** `npm run db:migrate | db:seed | db:reset` against DATABASE_URL or the embedded database. */
import { migrate, resetDatabase, resolveDatabase, seedIfEmpty } from "../app/database";

async function main(command: string | undefined) {
  const database = await resolveDatabase();
  try {
    if (command === "migrate") await migrate(database.url);
    else if (command === "seed")
      console.log((await seedIfEmpty(database.url)) ? "seeded" : "database already has shops; use db:reset");
    else if (command === "reset") await resetDatabase(database.url);
    else throw new Error(`unknown command ${command}; use migrate, seed or reset`);
    console.log(`db:${command} done`);
  } finally {
    await database.server?.stop();
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
