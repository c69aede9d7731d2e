import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { LIMITS, optionalText, requiredId, requiredText, unicastType } from "../lib/http/fields.js";
import { sendMessage } from "../lib/im/messaging.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async ({ params }) => {
  unicastType(params);
  const outgoing = {
    to: requiredId(params, "to"),
    body: requiredText(params, "body", LIMITS.body),
    style: optionalText(params, "style", LIMITS.style),
  };
  await sendMessage(await authenticate(params), outgoing);
  return OK;
});
