/**
 * buddyInfo lists: what a caller may see of the other users of their site. A visitor or member
 * sees the site's agents (one Query); an agent sees the visitors they talk with, most recent first
 * with unread counts (one Query, then the visitors' states in one BatchGet), and the other agents.
 */
import type { Show } from "../http/fields.js";
import { listPeers, type Peer } from "../store/peers.js";
import type { Role } from "../store/tickets.js";
import { agentStates, getUsers, type UserState } from "../store/users.js";
import { seenOnline } from "./presence.js";

export interface BuddyInfo {
  id: string;
  nick: string;
  group: "agents" | "visitors";
  pic_url?: string;
  presence: "online" | "offline";
  /** Only for an online buddy: an offline one has none, and an invisible one must not show it has. */
  show?: Show;
  status?: string;
  /** The page a visitor is on. */
  url?: string;
  referrer?: string;
  user_agent?: string;
  /** Messages from this buddy the caller has not read. */
  unread?: number;
}

export interface Viewer {
  domain: string;
  userId: string;
  role: Role;
}

/** Visitors seen by agents beyond this many are left to `buddies?ids=`. */
const MAX_VISITORS = 100;

function agentBuddy(agent: UserState, now: number): BuddyInfo {
  const online = seenOnline(agent, now);
  return {
    id: agent.id,
    nick: agent.nick,
    group: "agents",
    ...(agent.picUrl ? { pic_url: agent.picUrl } : {}),
    presence: online ? "online" : "offline",
    ...(online ? { show: agent.show } : {}),
    ...(agent.status ? { status: agent.status } : {}),
  };
}

function visitorBuddy(id: string, state: UserState | undefined, peer: Peer | undefined, now: number): BuddyInfo | undefined {
  const nick = state?.nick ?? peer?.nick;
  if (nick === undefined) return undefined;
  const online = seenOnline(state, now);
  const status = state?.referrer ? `from ${state.referrer}` : state?.status;
  return {
    id,
    nick,
    group: "visitors",
    ...(state?.picUrl ? { pic_url: state.picUrl } : {}),
    presence: online ? "online" : "offline",
    ...(online ? { show: state?.show ?? "available" } : {}),
    ...(status ? { status } : {}),
    ...(state?.url ? { url: state.url } : {}),
    ...(state?.referrer ? { referrer: state.referrer } : {}),
    ...(state?.userAgent ? { user_agent: state.userAgent } : {}),
    ...(peer ? { unread: peer.unread } : {}),
  };
}

/** Agents for a visitor: their own agent first, then available, then online, then the rest, by nick. */
function rankAgents(agents: BuddyInfo[], assigned: string | undefined): BuddyInfo[] {
  const rank = (buddy: BuddyInfo) =>
    buddy.id === assigned ? 0 : buddy.presence !== "online" ? 3 : buddy.show === "available" || buddy.show === "chat" ? 1 : 2;
  return agents.sort((a, b) => rank(a) - rank(b) || a.nick.localeCompare(b.nick));
}

async function visitorsById(viewer: Viewer, ids: readonly string[], peers: readonly Peer[], now: number): Promise<BuddyInfo[]> {
  const states = await getUsers(viewer.domain, ids);
  const peerById = new Map(peers.map((peer) => [peer.id, peer]));
  return ids.flatMap((id) => visitorBuddy(id, states.get(id), peerById.get(id), now) ?? []);
}

/** The list `online` starts with: everything the caller's role sees, plus the ids they asked for. */
export async function startingBuddies(
  viewer: Viewer,
  assignedAgent: string | undefined,
  wanted: readonly string[],
  now: number,
): Promise<BuddyInfo[]> {
  if (viewer.role !== "agent") {
    const agents = (await agentStates(viewer.domain)).map((agent) => agentBuddy(agent, now));
    return rankAgents(agents, assignedAgent);
  }
  const [peers, agents] = await Promise.all([listPeers(viewer.domain, viewer.userId, now), agentStates(viewer.domain)]);
  const agentIds = new Set(agents.map((agent) => agent.id));
  const visitorIds = [
    ...new Set([
      ...peers.filter((peer) => !agentIds.has(peer.id)).map((peer) => peer.id),
      ...wanted.filter((id) => !agentIds.has(id)),
    ]),
  ]
    .filter((id) => id !== viewer.userId)
    .slice(0, MAX_VISITORS);
  const colleagues = agents.filter((agent) => agent.id !== viewer.userId).map((agent) => agentBuddy(agent, now));
  return [...(await visitorsById(viewer, visitorIds, peers, now)), ...colleagues];
}

/**
 * The buddies of `ids` the viewer may see, in the order asked; others are left out. Agents see
 * everyone of their site; visitors and members see the site's agents.
 */
export async function buddiesByIds(viewer: Viewer, ids: readonly string[], now = Date.now()): Promise<BuddyInfo[]> {
  const wanted = ids.filter((id) => id !== viewer.userId);
  if (wanted.length === 0) return [];
  const agents = new Map((await agentStates(viewer.domain)).map((agent) => [agent.id, agent]));
  const others = viewer.role === "agent" ? wanted.filter((id) => !agents.has(id)) : [];
  const peers = others.length > 0 ? await listPeers(viewer.domain, viewer.userId, now) : [];
  const visitors = new Map((await visitorsById(viewer, others, peers, now)).map((buddy) => [buddy.id, buddy]));
  return wanted.flatMap((id) => {
    const agent = agents.get(id);
    if (agent) return [agentBuddy(agent, now)];
    return visitors.get(id) ?? [];
  });
}
