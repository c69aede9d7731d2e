/**
 * Sites and their agents as the functions see them: cached per container for a short while,
 * because every call names a site and sites change rarely.
 */
import { config } from "../config.js";
import { NotFound } from "../http/errors.js";
import { type Agent, getSite, listAgents, type Site } from "../store/sites.js";

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

function cached<T>(load: (domain: string) => Promise<T>) {
  const entries = new Map<string, Cached<T>>();
  return (domain: string, now = Date.now()): Promise<T> => {
    const hit = entries.get(domain);
    if (hit && now - hit.at < config.siteCacheMs) return hit.value;
    const value = load(domain);
    entries.set(domain, { at: now, value });
    value.catch(() => entries.delete(domain));
    return value;
  };
}

const siteByDomain = cached((domain) => getSite(domain));
const agentsByDomain = cached((domain) => listAgents(domain));

/** The site a call names; an unknown domain is the seed's `Not Found`. */
export async function requireSite(domain: string): Promise<Site> {
  const site = await siteByDomain(domain);
  if (!site) throw new NotFound();
  return site;
}

export function agentsOf(domain: string): Promise<Agent[]> {
  return agentsByDomain(domain);
}

/** Whether `id` is one of the site's agents (the operator may have removed them since). */
export async function isAgentOf(domain: string, id: string): Promise<boolean> {
  return (await agentsOf(domain)).some((agent) => agent.id === id);
}
