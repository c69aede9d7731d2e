/** Sites of the integration tests' own, written straight into the local table with unique domains. */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { hashPassword } from "../../lib/auth/password.js";
import { keys } from "../../lib/store/keys.js";

const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject("databaseEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  }),
);

export interface TestAgent {
  id: string;
  nick: string;
  password?: string;
}

export interface TestSite {
  origins?: string[];
  tokenSecret?: string;
  leaveMessage?: string;
  agents: TestAgent[];
}

/** A fresh site, never seen by the service's 30 s cache: `<label>-<random>.test`. */
export async function createSite(label: string, site: TestSite): Promise<string> {
  const domain = `${label}-${randomBytes(4).toString("hex")}.test`;
  const table = inject("tableName");
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: {
        ...keys.site(domain),
        domain,
        origins: site.origins ?? [],
        ...(site.tokenSecret ? { tokenSecret: site.tokenSecret } : {}),
        settings: site.leaveMessage ? { leaveMessage: site.leaveMessage } : {},
      },
    }),
  );
  // Registered like `npm run admin` does, so that the site is listed (and swept, lib/im/sweep.ts).
  await doc.send(new PutCommand({ TableName: table, Item: { ...keys.siteEntry(domain), createdAt: Date.now() } }));
  for (const agent of site.agents) {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...keys.agent(domain, agent.id),
          id: agent.id,
          nick: agent.nick,
          ...(agent.password ? { passwordHash: await hashPassword(agent.password) } : {}),
        },
      }),
    );
  }
  return domain;
}

/** Removes an agent's item, as `npm run admin -- agent remove` does (without ending their tickets). */
export async function removeAgent(domain: string, id: string): Promise<void> {
  await doc.send(new DeleteCommand({ TableName: inject("tableName"), Key: keys.agent(domain, id) }));
}
