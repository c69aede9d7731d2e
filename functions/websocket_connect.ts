import type { APIGatewayProxyResultV2 } from "aws-lambda";

/** Anyone may connect; nothing is sent until the connection subscribes with a live ticket. */
export async function handler(): Promise<APIGatewayProxyResultV2> {
  return { statusCode: 200 };
}
