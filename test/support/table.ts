/** Direct reads of the local table, to check what a call stored (or did not). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { conversationPk } from "../../lib/store/keys.js";

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject("databaseEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }),
);

export async function storedMessages(a: string, b: string, domain = "localhost"): Promise<Record<string, unknown>[]> {
  const { Items } = await doc.send(
    new QueryCommand({
      TableName: inject("tableName"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :msg)",
      ExpressionAttributeValues: { ":pk": conversationPk(domain, a, b), ":msg": "MSG#" },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}
