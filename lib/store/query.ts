/** Every item of a Query, page after page (DynamoDB returns at most 1 MB a page). */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Db } from "./client.js";
import { storeCall } from "./errors.js";

export type Item = Record<string, unknown>;

export async function queryAll(store: Db, input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey">): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await storeCall(() =>
      store.doc.send(new QueryCommand({ ...input, TableName: store.table, ExclusiveStartKey: start })),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every item of one partition whose sort key starts with `prefix`. */
export function queryPrefix(store: Db, pk: string, prefix: string, consistent = false): Promise<Item[]> {
  return queryAll(store, {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
    ConsistentRead: consistent,
  });
}
