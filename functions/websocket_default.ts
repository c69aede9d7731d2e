import { websocketRoute } from "../lib/http/websocket.js";
import { ping, sendError, subscribe } from "../lib/im/subscribe.js";

export const handler = websocketRoute(
  (connectionId, frame) => (frame === "ping" ? ping(connectionId) : subscribe(connectionId, frame)),
  sendError,
);
