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

/**
 * Creates the demo site and agents, or brings them back to the demo's values when the kept data
 * already has them: the profile fields only, with the admin command's writes, so the live state
 * the service keeps on agent items survives a restart. lib/ reads its configuration when first
 * imported, so it is imported only once the stack has set it.
 */
export async function seedDemo(store: Db, origins: string[]): Promise<void> {
  const { hashPassword } = await import("../../lib/auth/password.js");
  const { AlreadyExists } = await import("../../lib/store/errors.js");
  const { DEFAULT_SETTINGS, createAgent, createSite, updateAgent, updateSite } = await import("../../lib/store/sites.js");
  const exists = (error: unknown) => {
    if (!(error instanceof AlreadyExists)) throw error;
  };
  await createSite({ domain: DEMO_DOMAIN, origins, settings: DEFAULT_SETTINGS }, store).catch(async (error: unknown) => {
    exists(error);
    await updateSite(DEMO_DOMAIN, { origins }, store);
  });
  for (const agent of DEMO_AGENTS) {
    const profile = { nick: agent.nick, passwordHash: await hashPassword(agent.password) };
    await createAgent(DEMO_DOMAIN, { id: agent.id, ...profile }, store).catch(async (error: unknown) => {
      exists(error);
      await updateAgent(DEMO_DOMAIN, agent.id, profile, store);
    });
  }
}
