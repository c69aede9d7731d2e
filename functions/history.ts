import { endpoint } from "../lib/http/endpoint.js";
import { optionalInteger, peerId, unicastType } from "../lib/http/fields.js";
import { requireSite } from "../lib/im/directory.js";
import { history, MAX_HISTORY } from "../lib/im/history.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const { params } = call;
  unicastType(params);
  const other = peerId(params);
  const limit = optionalInteger(params, "limit", 1, MAX_HISTORY);
  const ticket = await authenticate(call);
  return history(ticket, other, limit ?? (await requireSite(ticket.domain)).settings.historySize);
});
