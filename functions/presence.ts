import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { LIMITS, optionalLine, requiredShow } from "../lib/http/fields.js";
import { changeShow } from "../lib/im/presence.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const show = requiredShow(call.params);
  const status = optionalLine(call.params, "status", LIMITS.status);
  await changeShow(await authenticate(call), show, status);
  return OK;
});
