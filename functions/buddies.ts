import { endpoint } from "../lib/http/endpoint.js";
import { idList } from "../lib/http/fields.js";
import { buddiesByIds } from "../lib/im/buddies.js";
import { authenticate } from "../lib/im/session.js";

export const handler = endpoint(async (call) => {
  const { params } = call;
  const ids = idList(params, "ids", 100);
  return buddiesByIds(await authenticate(call), ids);
});
