/**
 * The demo site and agents of the local stack. They exist only in a local table: nothing in
 * serverless.yml or the functions knows them, so no deployment ever has them.
 */
import type { Db } from "../../lib/store/client.js";

export const DEMO_DOMAIN = "localhost";

export const DEMO_AGENTS = [
  { id: "alice", nick: "Alice", password: "alice-demo" },
  { id: "bob", nick: "Bob", password: "bob-demo" },
] as const;

/** lib/ reads its configuration when first imported, so it is imported only once the stack has set it. */
export async function seedDemo(store: Db, origins: string[]): Promise<void> {
  const { hashPassword } = await import("../../lib/auth/password.js");
  const { DEFAULT_SETTINGS, putAgent, putSite } = await import("../../lib/store/sites.js");
  await putSite({ domain: DEMO_DOMAIN, origins, settings: DEFAULT_SETTINGS }, store);
  for (const agent of DEMO_AGENTS) {
    await putAgent(DEMO_DOMAIN, { id: agent.id, nick: agent.nick, passwordHash: await hashPassword(agent.password) }, store);
  }
}
