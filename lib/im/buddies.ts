/** buddyInfo lists: what a caller may see of the other users of their site. */
import { config } from "../config.js";
import type { Show } from "../http/fields.js";
import type { Agent } from "../store/sites.js";
import type { Role } from "../store/tickets.js";
import { getUsers, type UserState } from "../store/users.js";
import { agentsOf } from "./directory.js";

export interface BuddyInfo {
  id: string;
  nick: string;
  pic_url?: string;
  presence: "online" | "offline";
  show: Show;
  status?: string;
}

export interface Viewer {
  domain: string;
  userId: string;
  role: Role;
}

function buddyOf(id: string, agent: Agent | undefined, state: UserState | undefined, now: number): BuddyInfo | undefined {
  const nick = agent?.nick ?? state?.nick;
  if (nick === undefined) return undefined;
  const online = state !== undefined && now - state.lastSeen < config.presenceGraceMs;
  const picUrl = agent?.picUrl ?? state?.picUrl;
  return {
    id,
    nick,
    ...(picUrl ? { pic_url: picUrl } : {}),
    presence: online ? "online" : "offline",
    show: state?.show ?? "available",
    ...(state?.status ? { status: state.status } : {}),
  };
}

/**
 * The buddies of `ids` that the viewer may see, in the order asked; others are left out.
 * Agents see everyone of their site; visitors and members see the site's agents.
 */
export async function buddiesByIds(viewer: Viewer, ids: readonly string[], now = Date.now()): Promise<BuddyInfo[]> {
  const agents = new Map((await agentsOf(viewer.domain)).map((agent) => [agent.id, agent]));
  const visible = ids.filter((id) => id !== viewer.userId && (viewer.role === "agent" || agents.has(id)));
  const states = await getUsers(viewer.domain, visible);
  return visible.flatMap((id) => buddyOf(id, agents.get(id), states.get(id), now) ?? []);
}

/** The site's agents (but the viewer), online ones first, then by nick. */
export async function siteAgents(viewer: Viewer, now = Date.now()): Promise<BuddyInfo[]> {
  const ids = (await agentsOf(viewer.domain)).map((agent) => agent.id);
  const buddies = await buddiesByIds(viewer, ids, now);
  const rank = (buddy: BuddyInfo) =>
    buddy.presence === "online" ? (buddy.show === "available" || buddy.show === "chat" ? 0 : 1) : 2;
  return buddies.sort((a, b) => rank(a) - rank(b) || a.nick.localeCompare(b.nick));
}
