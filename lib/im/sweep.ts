/**
 * What no call triggers: users whose tabs vanished without `refresh` stop polling, and only the
 * clock says they left. A scheduled function runs this every minute (and `npm start` the same
 * on a timer): it tells their buddies they went offline, forgets their dead tickets, and closes
 * the conversations of visitors who left, so agents' loads stay true.
 */
import { config } from "../config.js";
import { listSites } from "../store/sites.js";
import { agentStates, dropTicketsIfIdle, type UserState } from "../store/users.js";
import { announce } from "./presence.js";
import { sweep } from "./routing.js";

async function goneOffline(domain: string, user: UserState, now: number): Promise<boolean> {
  if ((user.tickets?.size ?? 0) === 0 || now - user.lastSeen < config.presenceGraceMs) return false;
  if (!(await dropTicketsIfIdle(domain, user.id, user.role, user.lastSeen))) return false;
  if (user.show !== "invisible")
    await announce({ domain, userId: user.id, role: user.role, nick: user.nick }, "offline", user.show, user.status, now);
  return true;
}

export interface SweepReport {
  sites: number;
  closedConversations: number;
  wentOffline: number;
}

export async function sweepSite(domain: string, now = Date.now()): Promise<Omit<SweepReport, "sites">> {
  const [visitors, agents] = await Promise.all([sweep(domain, now), agentStates(domain)]);
  const offline = await Promise.all([...visitors, ...agents].map((user) => goneOffline(domain, user, now)));
  return { closedConversations: visitors.length, wentOffline: offline.filter(Boolean).length };
}

export async function sweepAll(now = Date.now()): Promise<SweepReport> {
  const report: SweepReport = { sites: 0, closedConversations: 0, wentOffline: 0 };
  for (const { domain } of await listSites()) {
    const site = await sweepSite(domain, now);
    report.sites++;
    report.closedConversations += site.closedConversations;
    report.wentOffline += site.wentOffline;
  }
  return report;
}
