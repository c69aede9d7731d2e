import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { checkId, LIMITS, optionalText, requiredText, unicastType } from "../lib/http/fields.js";
import { sendMessage } from "../lib/im/messaging.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const { params } = call;
  unicastType(params);
  const to = optionalText(params, "to", LIMITS.id);
  const outgoing = {
    to: to === undefined ? undefined : checkId("to", to),
    body: requiredText(params, "body", LIMITS.body),
    style: optionalText(params, "style", LIMITS.style),
  };
  const { message, routed } = await sendMessage(await authenticate(call), outgoing);
  // A message the server routed tells the page where it went; one with `to` answers the seed's `ok`.
  return routed ? { success: true, to: message.to, timestamp: message.timestamp } : OK;
});
