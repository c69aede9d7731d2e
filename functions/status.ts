import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { oneOf, requiredId } from "../lib/http/fields.js";
import { sendStatus } from "../lib/im/messaging.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const to = requiredId(call.params, "to");
  const show = oneOf(call.params, "show", ["typing", "clear"] as const);
  await sendStatus(await authenticate(call), to, show);
  return OK;
});
