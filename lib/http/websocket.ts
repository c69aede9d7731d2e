/**
 * The WebSocket API's handlers share this: the connection id, the frame, and errors turned into
 * an error frame for the client (internals never leave the function), always answering 200 to
 * API Gateway so the connection stays open.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import { errorAnswer } from "./answer.js";
import { BadRequest } from "./errors.js";

/** Frames the protocol knows are short text: `subscribe <domain> <ticket> [since]` or `ping`. */
const MAX_FRAME = 512;

function frameText(event: APIGatewayProxyWebsocketEventV2): string {
  const body: unknown = event.body;
  // A binary frame (or anything not text) is not a frame of this protocol.
  if (typeof body !== "string") throw new BadRequest("frames are text");
  const text = event.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
  if (text.length > MAX_FRAME) throw new BadRequest(`a frame is at most ${MAX_FRAME} characters`);
  return text.trim();
}

type Action = (connectionId: string, frame: string) => Promise<void>;
type OnError = (connectionId: string, message: string) => Promise<void>;

export function websocketRoute(action: Action, onError: OnError) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    const { connectionId } = event.requestContext;
    try {
      await action(connectionId, frameText(event));
    } catch (error) {
      const { status, answer } = errorAnswer(error);
      if (status >= 500) console.error(JSON.stringify({ level: "error", error: String((error as Error)?.stack ?? error) }));
      await onError(connectionId, answer.error_msg).catch(() => undefined);
    }
    return { statusCode: 200 };
  };
}
