/**
 * Routing a visitor's first message to an agent: an available agent (online, not `dnd` or
 * `invisible`) with the fewest open conversations, ties to whoever got one least recently.
 * The agent's count only moves by a conditional write on the count that was read, so routings
 * racing for the same agent retry instead of overloading them, and the visitor's agent is set
 * only if unset, so a visitor never gets two.
 */
import { NotFound, TooManyRequests } from "../http/errors.js";
import {
  claimAgent,
  clearVisitorAgent,
  deleteOpenConversation,
  listOpenConversations,
  putOpenConversation,
  releaseAgent,
  setVisitorAgent,
} from "../store/routing.js";
import type { TicketRecord } from "../store/tickets.js";
import { agentStates, getUserState, getUsers, type UserState } from "../store/users.js";
import { isAvailable, isOnline } from "./presence.js";

export interface Route {
  agent: string;
  /** False when the agent is not online: the message waits for the agent's next `online`. */
  available: boolean;
  /** When the agent was last seen (0: never): names the time they are away, for the visitor's notice. */
  agentLastSeen: number;
  /** True when this call assigned the agent. */
  assigned: boolean;
}

const MAX_ATTEMPTS = 40;

/**
 * The least busy agent; among equals, the one who got a conversation least recently. After a lost
 * race the pick among equals is random instead, so that routings racing together spread over the
 * equals rather than all retrying on the same one.
 */
function pick(pool: readonly UserState[], raced: boolean): UserState | undefined {
  const ordered = [...pool].sort(
    (a, b) => (a.open ?? 0) - (b.open ?? 0) || (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0) || a.id.localeCompare(b.id),
  );
  if (!raced) return ordered[0];
  const least = ordered.filter((agent) => (agent.open ?? 0) === (ordered[0]?.open ?? 0));
  return least[Math.floor(Math.random() * least.length)];
}

/** Ends a visitor's conversation with their agent: the agent's count goes down, the visitor has no agent. */
async function closeConversation(domain: string, visitor: string, agent: string): Promise<boolean> {
  const closed = await deleteOpenConversation(domain, visitor, agent);
  await Promise.all([closed ? releaseAgent(domain, agent) : undefined, clearVisitorAgent(domain, visitor, agent)]);
  return closed;
}

/** Closes the conversations of visitors who are gone, so that agents' counts are true when routing reads them. */
export async function sweep(domain: string, now: number): Promise<UserState[]> {
  const open = await listOpenConversations(domain);
  if (open.length === 0) return [];
  const visitors = await getUsers(
    domain,
    open.map((conversation) => conversation.visitor),
  );
  const gone: UserState[] = [];
  for (const conversation of open) {
    const visitor = visitors.get(conversation.visitor);
    if (isOnline(visitor, now)) continue;
    if (!(await closeConversation(domain, conversation.visitor, conversation.agent))) continue;
    if (visitor) gone.push(visitor);
  }
  return gone;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function routeVisitor(ticket: TicketRecord, now = Date.now()): Promise<Route> {
  const { domain, userId } = ticket;
  const current = await getUserState(domain, userId, ticket.role);
  if (current?.agent) {
    const agents = await agentStates(domain);
    const agent = agents.find((candidate) => candidate.id === current.agent);
    // The visitor stays with their agent while that agent is online, or while nobody else is available.
    const online = isOnline(agent, now);
    if (agent && (online || !agents.some((other) => isAvailable(other, now)))) {
      return { agent: agent.id, available: online, agentLastSeen: agent.lastSeen ?? 0, assigned: false };
    }
    // The agent went offline with a colleague available, or the operator removed them: that
    // conversation is over, and the visitor is routed anew rather than left writing to nobody.
    await closeConversation(domain, userId, current.agent);
  }
  await sweep(domain, now);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const agents = await agentStates(domain);
    const available = agents.filter((agent) => isAvailable(agent, now));
    const chosen = pick(available.length > 0 ? available : agents, attempt > 0);
    if (!chosen) throw new NotFound();
    if (!(await claimAgent(domain, chosen.id, chosen.open ?? 0, now))) {
      await pause(Math.random() * 10 * Math.min(attempt + 1, 5));
      continue;
    }
    if (await setVisitorAgent(domain, userId, chosen.id)) {
      await putOpenConversation(domain, { visitor: userId, agent: chosen.id, since: now });
      return { agent: chosen.id, available: available.length > 0, agentLastSeen: chosen.lastSeen ?? 0, assigned: true };
    }
    // Another first message of the same visitor won the race: keep its agent, give this one back.
    await releaseAgent(domain, chosen.id);
    const winner = (await getUserState(domain, userId, ticket.role))?.agent;
    // The racing call that assigned them tells the visitor if that agent is away.
    if (winner) return { agent: winner, available: true, agentLastSeen: 0, assigned: false };
  }
  throw new TooManyRequests();
}
