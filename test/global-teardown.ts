export default async function globalTeardown() {
  await globalThis.__DATABASE_SERVER__?.stop();
}
