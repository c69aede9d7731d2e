import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { header } from "../lib/http/params.js";

/**
 * CORS preflight for every endpoint. A preflight names no site, so it cannot be checked against
 * one; it changes nothing either. The call that follows is checked against its site's origins
 * (lib/http/cors.ts) and refused without a grant when the origin is not one of them.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const origin = header(event, "origin");
  return {
    statusCode: 204,
    headers: {
      ...(origin ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : {}),
      "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
      "Access-Control-Allow-Headers": "Content-Type",
      "Access-Control-Max-Age": "600",
    },
  };
}
