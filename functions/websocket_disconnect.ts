import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import { disconnect } from "../lib/im/subscribe.js";

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  await disconnect(event.requestContext.connectionId);
  return { statusCode: 200 };
}
