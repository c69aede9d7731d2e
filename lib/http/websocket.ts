/**
 * The WebSocket API's handlers share this: the connection id, the frame, and errors turned into
 * an error frame for the client (internals never leave the function), always answering 200 to
 * API Gateway so the connection stays open.
 */
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import { errorAnswer } from "./answer.js";

type Action = (connectionId: string, frame: string) => Promise<void>;
type OnError = (connectionId: string, message: string) => Promise<void>;

export function websocketRoute(action: Action, onError: OnError) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> => {
    const { connectionId } = event.requestContext;
    const frame = (event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "")).trim();
    try {
      await action(connectionId, frame);
    } catch (error) {
      const { status, answer } = errorAnswer(error);
      if (status >= 500) console.error(JSON.stringify({ level: "error", error: String((error as Error)?.stack ?? error) }));
      await onError(connectionId, answer.error_msg).catch(() => undefined);
    }
    return { statusCode: 200 };
  };
}
