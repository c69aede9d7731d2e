/**
 * Every environment variable the functions read, read and checked once at cold start:
 * a bad deployment fails on its first call, not in the middle of a chat.
 */

export interface Config {
  /** The one DynamoDB table. */
  tableName: string;
  /** Set only locally (dynalite, DynamoDB Local); unset in AWS. */
  dynamodbEndpoint: string | undefined;
  region: string;
  /** The deployment's HMAC secret for visitor tokens, given directly (local stack, tests)... */
  secret: string | undefined;
  /** ...or the name of an SSM SecureString holding it (a deployed stage), read once per cold start. */
  secretParameter: string | undefined;
  /** Longest wait of one `packets` long poll before it answers with empty lists. */
  pollWaitMs: number;
  /** First and longest pause between two empty reads of an inbox during a long poll. */
  pollIntervalMs: number;
  pollIntervalMaxMs: number;
  /** How long a ticket lives without a poll. */
  ticketIdleMs: number;
  /** A user whose last poll is older than this counts as offline. */
  presenceGraceMs: number;
  /** How long a function keeps a site and its agent list before reading them again. */
  siteCacheMs: number;
  /** Overrides the public base URL that `connection.server` is built from (custom domains). */
  publicBaseUrl: string | undefined;
  /** The WebSocket API clients connect to (`wss://…`), offered in `connection.websocket`; no push when unset. */
  websocketUrl: string | undefined;
  /** Where functions post to connections (the API Gateway management API of that WebSocket API). */
  websocketApiEndpoint: string | undefined;
  /** Adds ReturnConsumedCapacity to every DynamoDB call and logs it (benchmarks only). */
  logCapacity: boolean;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function required(env: Env, name: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(`${name} must be set`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not ${raw}`);
  }
  return value;
}

/** API Gateway's HTTP API cuts every integration at 30 s; the poll must answer before that. */
export const HTTP_API_LIMIT_MS = 30_000;

export function loadConfig(env: Env): Config {
  const secret = text(env, "WEBIM_SECRET");
  const secretParameter = text(env, "WEBIM_SECRET_PARAMETER");
  if (secret === undefined && secretParameter === undefined) {
    throw new ConfigError("WEBIM_SECRET or WEBIM_SECRET_PARAMETER must be set");
  }
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError("WEBIM_SECRET must be at least 32 characters");
  }
  const pollIntervalMs = integer(env, "POLL_INTERVAL_MS", 100, 10, 5_000);
  return {
    tableName: required(env, "TABLE_NAME"),
    dynamodbEndpoint: text(env, "DYNAMODB_ENDPOINT"),
    region: text(env, "AWS_REGION") ?? "us-east-1",
    secret,
    secretParameter,
    pollWaitMs: integer(env, "POLL_WAIT_MS", 25_000, 0, HTTP_API_LIMIT_MS - 3_000),
    pollIntervalMs,
    pollIntervalMaxMs: integer(env, "POLL_INTERVAL_MAX_MS", 1_000, pollIntervalMs, 5_000),
    ticketIdleMs: integer(env, "TICKET_IDLE_SECONDS", 1_800, 60, 86_400) * 1000,
    presenceGraceMs: integer(env, "PRESENCE_GRACE_SECONDS", 60, 2, 3_600) * 1000,
    siteCacheMs: integer(env, "SITE_CACHE_SECONDS", 30, 0, 3_600) * 1000,
    publicBaseUrl: text(env, "PUBLIC_BASE_URL")?.replace(/\/+$/, ""),
    logCapacity: text(env, "LOG_DYNAMODB_CAPACITY") === "1",
    websocketUrl: text(env, "WEBSOCKET_URL"),
    websocketApiEndpoint: text(env, "WEBSOCKET_API_ENDPOINT"),
  };
}

export const config: Config = loadConfig(process.env);
