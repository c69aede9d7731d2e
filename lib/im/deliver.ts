/**
 * Every event for a user goes through here: into their inbox (what the long poll reads), then
 * straight to their live WebSocket connections. The inbox is the record; a push that fails is
 * not retried, since the client catches up from the inbox with `since`.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { config } from "../config.js";
import { type Connection, deleteConnection, userConnections } from "../store/connections.js";
import { appendEvent, type Delivery } from "../store/inbox.js";
import { advanceInboxSeen } from "../store/users.js";
import { packetsOf } from "./packet-lists.js";

let management: ApiGatewayManagementApiClient | undefined;

function managementApi(endpoint: string): ApiGatewayManagementApiClient {
  management ??= new ApiGatewayManagementApiClient({ endpoint, region: config.region });
  return management;
}

/**
 * API Gateway's GoneException (SDK v3 names it in `error.name`). serverless offline answers the
 * same 410 without the error type, which the SDK cannot name, hence the status as well.
 */
function isGone(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === "GoneException" || status === 410;
}

/** Sends one frame; a connection API Gateway no longer knows is forgotten (when its items are known). */
export async function sendFrame(connectionId: string, frame: string, stored?: Connection): Promise<boolean> {
  const endpoint = config.websocketApiEndpoint;
  if (endpoint === undefined) return false;
  try {
    await managementApi(endpoint).send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(frame) }),
    );
    return true;
  } catch (error) {
    if (isGone(error)) {
      if (stored) await deleteConnection(stored);
      return false;
    }
    console.error(JSON.stringify({ level: "warn", push: "failed", error: String(error) }));
    return false;
  }
}

/** Closes a connection whose ticket ended, after telling it so. */
async function closeConnection(connection: Connection): Promise<void> {
  const endpoint = config.websocketApiEndpoint;
  if (endpoint === undefined) return;
  if (await sendFrame(connection.connectionId, JSON.stringify({ status: "stopped" }), connection)) {
    await managementApi(endpoint)
      .send(new DeleteConnectionCommand({ ConnectionId: connection.connectionId }))
      .catch(() => undefined);
  }
  await deleteConnection(connection);
}

export async function deliver(delivery: Delivery, now: number): Promise<void> {
  const sk = await appendEvent(delivery, now);
  const { event } = delivery;
  if (config.websocketApiEndpoint === undefined || event.kind === "yield") return;
  // Written first, read second: a connection subscribing meanwhile is seen here, or finds the
  // event in the inbox when it subscribes, or both (then the client drops the second by its id).
  const connections = await userConnections(delivery.domain, delivery.userId, now);
  if (event.kind === "stop") {
    await Promise.all(connections.filter((c) => c.ticketHash === event.ticketHash).map(closeConnection));
    return;
  }
  const frame = JSON.stringify(packetsOf([{ sk, event }]));
  const targets = connections.filter((c) => c.ticketHash !== delivery.skipTicket);
  const sent = await Promise.all(targets.map((c) => sendFrame(c.connectionId, frame, c)));
  const reached = targets.find((_, i) => sent[i]);
  // A message a live socket took is not an offline message: the next `online` must not offer it again.
  if (event.kind === "message" && reached && event.packet.from !== delivery.userId) {
    await advanceInboxSeen(delivery.domain, delivery.userId, reached.role, sk);
  }
}
