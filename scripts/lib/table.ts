/**
 * The local table, created from the one definition in serverless.yml.
 */
import { readFileSync } from "node:fs";
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { parse } from "yaml";

// CloudFormation's short forms, kept as plain objects: only the table's properties are used.
export const cloudFormationTags = ["!Ref", "!GetAtt", "!Sub", "!Join", "!If", "!Equals", "!Select", "!Split"].flatMap((tag) => [
  { tag, resolve: (value: string) => ({ [tag.slice(1)]: value }) },
  { tag, collection: "seq" as const, resolve: (value: unknown) => ({ [tag.slice(1)]: value }) },
]);

interface TableResource {
  Properties: Pick<CreateTableCommandInput, "AttributeDefinitions" | "KeySchema" | "BillingMode">;
}

export function tableDefinition(serverlessYml: string, tableName: string): CreateTableCommandInput {
  const doc = parse(readFileSync(serverlessYml, "utf8"), { customTags: cloudFormationTags }) as {
    resources: { Resources: Record<string, TableResource & { Type: string }> };
  };
  const table = Object.values(doc.resources.Resources).find((resource) => resource.Type === "AWS::DynamoDB::Table");
  if (!table) throw new Error(`${serverlessYml} declares no AWS::DynamoDB::Table`);
  const { AttributeDefinitions, KeySchema, BillingMode } = table.Properties;
  // TTL is left out: neither dynalite nor the code needs it (expiry is checked in code).
  return { TableName: tableName, AttributeDefinitions, KeySchema, BillingMode };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
}

export async function createTable(endpoint: string, definition: CreateTableCommandInput): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
  } finally {
    client.destroy();
  }
}
