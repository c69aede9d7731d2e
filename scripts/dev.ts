/**
 * `npm start`: the whole service on http://localhost:3000 (PORT changes it), on an embedded
 * DynamoDB whose data is kept in .webim-local/ across restarts, with the demo shop on PORT+3
 * (DEMO_PORT) and the agent console at /console. Ctrl-C stops everything.
 */
import { join } from "node:path";
import { DEMO_AGENTS, DEMO_DOMAIN } from "./lib/demo.js";
import { LOCAL_DIR, startStack } from "./lib/stack.js";

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`${name} must be a port number from 1 to 65535, not ${raw}`);
    process.exit(2);
  }
  return port;
}

const port = portFrom("PORT", 3000);
console.log("Starting the embedded DynamoDB and serverless offline (the first start bundles the functions)…");
const stack = await startStack({
  port,
  databasePort: portFrom("DYNAMODB_PORT", 8000),
  demoPort: portFrom("DEMO_PORT", port + 3),
  database: process.env.WEBIM_DB === "dynamodb-local" ? "dynamodb-local" : "dynalite",
  dataDir: process.env.WEBIM_DB === "dynamodb-local" ? undefined : join(LOCAL_DIR, "dynalite"),
});

const api = stack.baseUrl;
console.log(`
webim-serverless is running.

  Demo shop   ${stack.demoUrl}   (a visitor: the chat button, bottom right)
  Console     ${stack.consoleUrl}   (an agent: sign in below)
  Widget      ${api}/webim.js
  API         ${api}/webim/<endpoint>
  WebSocket   ws://localhost:${port + 1}   (subscribe <domain> <ticket>)
  DynamoDB    ${stack.databaseEndpoint} (${stack.databaseKind}, table ${stack.tableName})
  Demo site   ${DEMO_DOMAIN}
  Agents      ${DEMO_AGENTS.map((agent) => `${agent.id} / ${agent.password}`).join(", ")}

Try it:
  curl '${api}/webim/online?domain=${DEMO_DOMAIN}'
  curl '${api}/webim/online?domain=${DEMO_DOMAIN}&username=alice&password=alice-demo'

Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping…");
  await stack.stop();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
