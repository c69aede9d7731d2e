import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { peerId } from "../lib/http/fields.js";
import { clearHistory } from "../lib/im/history.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const { params } = call;
  const other = peerId(params);
  await clearHistory(await authenticate(call), other);
  return OK;
});
