import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import {
  LIMITS,
  optionalText,
  requiredId,
  requiredInteger,
  requiredLine,
  requiredText,
  unicastType,
} from "../lib/http/fields.js";
import { logMessage } from "../lib/im/messaging.js";
import { authenticate } from "../lib/im/session.js";

/** A logged message may not claim a time more than a day ahead of the server's clock. */
const MAX_CLOCK_AHEAD_MS = 24 * 3600_000;

export const handler = endpoint(async (call) => {
  const { params } = call;
  const style = optionalText(params, "style", LIMITS.style);
  const message = {
    type: unicastType(params),
    from: requiredId(params, "from"),
    nick: requiredLine(params, "nick", LIMITS.nick),
    to: requiredId(params, "to"),
    body: requiredText(params, "body", LIMITS.body),
    ...(style ? { style } : {}),
    timestamp: requiredInteger(params, "timestamp", 1, Date.now() + MAX_CLOCK_AHEAD_MS),
  };
  await logMessage(await authenticate(call), message);
  return OK;
});
