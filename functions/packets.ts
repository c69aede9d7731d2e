import { endpoint } from "../lib/http/endpoint.js";
import { NotAuthorized } from "../lib/http/errors.js";
import { optionalSince } from "../lib/http/fields.js";
import { poll, pollWait } from "../lib/im/packets.js";
import { findTicket } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const since = optionalSince(call.params);
  const found = await findTicket(call);
  if (found.state === "unknown") throw new NotAuthorized();
  if (found.state === "ended") return { status: "stopped" };
  return poll(found.ticket, { waitMs: pollWait(call.remainingMs()), since });
});
