/**
 * What the admin command prints: aligned tables for people, plain JSON for scripts. Secrets and
 * password hashes never leave here: they are shown as "set" or "none".
 */
import type { Agent, Site } from "../../lib/store/sites.js";

export interface SiteView {
  domain: string;
  origins: string[];
  tokenSecret: "set" | "none";
  settings: { historySize: number; welcome: string; leaveMessage: string };
  createdAt: string | null;
}

export interface AgentView {
  id: string;
  nick: string;
  picUrl: string | null;
  password: "set" | "none";
}

export function siteView(site: Site): SiteView {
  return {
    domain: site.domain,
    origins: site.origins,
    tokenSecret: site.tokenSecret ? "set" : "none",
    settings: {
      historySize: site.settings.historySize,
      welcome: site.settings.welcome,
      leaveMessage: site.settings.leaveMessage,
    },
    createdAt: site.createdAt === undefined ? null : new Date(site.createdAt).toISOString(),
  };
}

export function agentView(agent: Agent): AgentView {
  return { id: agent.id, nick: agent.nick, picUrl: agent.picUrl ?? null, password: agent.passwordHash ? "set" : "none" };
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `label  value` lines, labels aligned; a list value continues on the following lines. */
export function details(pairs: [string, string | string[]][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs
    .flatMap(([label, value]) => {
      const values = Array.isArray(value) ? (value.length > 0 ? value : ["-"]) : [value];
      return values.map((item, index) => `${(index === 0 ? label : "").padEnd(width)}  ${item}`);
    })
    .join("\n");
}

export function siteDetails(view: SiteView): string {
  return details([
    ["domain", view.domain],
    ["origins", view.origins],
    ["token secret", view.tokenSecret],
    ["history size", String(view.settings.historySize)],
    ["welcome", view.settings.welcome],
    ["leave message", view.settings.leaveMessage],
    ["created", view.createdAt ?? "-"],
  ]);
}

export function sitesTable(views: SiteView[]): string {
  if (views.length === 0) return "No sites.";
  return table(
    ["DOMAIN", "ORIGINS", "TOKEN SECRET", "HISTORY SIZE", "CREATED"],
    views.map((view) => [
      view.domain,
      view.origins.join(", ") || "-",
      view.tokenSecret,
      String(view.settings.historySize),
      view.createdAt ?? "-",
    ]),
  );
}

export function agentsTable(views: AgentView[]): string {
  if (views.length === 0) return "No agents.";
  return table(
    ["ID", "NICK", "PASSWORD", "PICTURE"],
    views.map((view) => [view.id, view.nick, view.password, view.picUrl ?? "-"]),
  );
}

export function agentDetails(domain: string, view: AgentView): string {
  return details([
    ["site", domain],
    ["id", view.id],
    ["nick", view.nick],
    ["picture", view.picUrl ?? "-"],
    ["password", view.password === "set" ? "set" : "none (signs in only with a site token)"],
  ]);
}
