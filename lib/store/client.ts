/**
 * The document client, built once per container. Library functions take an optional `Db` so
 * tests and benchmarks can pass their own.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { config } from "../config.js";

export interface Db {
  doc: DynamoDBDocumentClient;
  table: string;
}

export interface DbOptions {
  table: string;
  endpoint?: string | undefined;
  region: string;
  /** Called with each call's consumed capacity; asking for it costs nothing extra. */
  onCapacity?: (command: string, capacity: unknown) => void;
}

export function createDb(options: DbOptions): Db {
  const { endpoint } = options;
  const client = new DynamoDBClient({
    region: options.region,
    // A local DynamoDB accepts any credentials; asking the default chain for some would fail offline.
    ...(endpoint !== undefined ? { endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const onCapacity = options.onCapacity;
  if (onCapacity) {
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = "TOTAL";
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: unknown };
        onCapacity(String(context.commandName), output.ConsumedCapacity);
        return result;
      },
      { step: "initialize", name: "consumedCapacity" },
    );
  }
  return { doc, table: options.table };
}

let shared: Db | undefined;

export function db(): Db {
  shared ??= createDb({
    table: config.tableName,
    endpoint: config.dynamodbEndpoint,
    region: config.region,
    ...(config.logCapacity
      ? { onCapacity: (command, capacity) => console.log(JSON.stringify({ capacity: { command, consumed: capacity } })) }
      : {}),
  });
  return shared;
}
