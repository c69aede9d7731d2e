import { OK } from "../lib/http/answer.js";
import { endpoint } from "../lib/http/endpoint.js";
import { authenticate, endSession } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  await endSession(await authenticate(call), "ticket");
  return OK;
});
