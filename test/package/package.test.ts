/**
 * `serverless package --stage prod` on a machine with no AWS account: one working bundle per
 * function, and a CloudFormation template that deploys what DESIGN.md describes.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FunctionEntry, functionEntries, packageService, zipEntries, zipEntryData } from "../../scripts/bundle-sizes.js";

const EXPECTED_FUNCTIONS = [
  "online",
  "buddies",
  "history",
  "message",
  "logmsg",
  "clearHistory",
  "refresh",
  "status",
  "presence",
  "offline",
  "preflight",
  "sweep",
  "websocketConnect",
  "websocketDisconnect",
  "websocketDefault",
  "packets",
  "assets",
];
/** Functions that are not protocol endpoints (each of those has a GET and a POST route). */
const NOT_ENDPOINTS = ["preflight", "sweep", "assets", "websocketConnect", "websocketDisconnect", "websocketDefault"];
const ASSET_ROUTES = ["GET /webim.js", "GET /console", "GET /console.js", "GET /console.css"];

// Set in the packaging environment: a prod template must hold neither (the secret comes from SSM,
// the table is the real DynamoDB's).
const CANARY_SECRET = "canary-secret-that-must-never-reach-a-template-0123456789";
const CANARY_ENDPOINT = "http://canary-endpoint.invalid:8000";

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface LambdaProperties {
  FunctionName: string;
  Handler: string;
  Timeout?: number;
  Environment?: { Variables?: Record<string, unknown> };
}

let dir: string;
let functions: FunctionEntry[];
let template: { Resources: Record<string, Resource> };
let templateText: string;

function resourcesOf(type: string): Resource[] {
  return Object.values(template.Resources).filter((resource) => resource.Type === type);
}

function lambdaFor(fn: FunctionEntry): LambdaProperties {
  const found = resourcesOf("AWS::Lambda::Function")
    .map((resource) => resource.Properties as unknown as LambdaProperties)
    .find((properties) => properties.FunctionName === `webim-serverless-prod-${fn.name}`);
  if (!found) throw new Error(`no AWS::Lambda::Function for ${fn.name}`);
  return found;
}

beforeAll(async () => {
  functions = functionEntries();
  dir = mkdtempSync(join(tmpdir(), "webim-package-test-"));
  await packageService({ dir, stage: "prod", env: { WEBIM_SECRET: CANARY_SECRET, DYNAMODB_ENDPOINT: CANARY_ENDPOINT } });
  templateText = readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8");
  template = JSON.parse(templateText);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("serverless package --stage prod", () => {
  it("covers exactly the functions of serverless.yml", () => {
    expect(functions.map((fn) => fn.name)).toEqual(EXPECTED_FUNCTIONS);
    expect(resourcesOf("AWS::Lambda::Function")).toHaveLength(EXPECTED_FUNCTIONS.length);
  });

  it("makes one non-empty zip per function, holding the handler's .mjs bundle", () => {
    for (const fn of functions) {
      const file = join(dir, `${fn.name}.zip`);
      expect(statSync(file).size, file).toBeGreaterThan(0);
      const zip = readFileSync(file);
      const bundle = zipEntries(zip).find((entry) => entry.name === fn.bundle);
      expect(bundle, `${fn.name}.zip holds ${fn.bundle}`).toBeDefined();
      if (!bundle) continue;
      expect(bundle.size).toBeGreaterThan(0);
      // An ES module (the .mjs extension makes Lambda load it as one) that exports `handler`.
      expect(zipEntryData(zip, bundle).toString("utf8")).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      expect(lambdaFor(fn).Handler).toBe(fn.handler);
    }
  });

  it("makes bundles that load on their own and export a handler function", async () => {
    // Unpacked apart from the repository, so that nothing resolves from its node_modules.
    const unpacked = mkdtempSync(join(tmpdir(), "webim-bundles-"));
    try {
      const files: string[] = [];
      for (const fn of functions) {
        const zip = readFileSync(join(dir, `${fn.name}.zip`));
        for (const entry of zipEntries(zip)) {
          const target = join(unpacked, fn.name, entry.name);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, zipEntryData(zip, entry));
        }
        files.push(join(unpacked, fn.name, fn.bundle));
      }
      const probe = `
        for (const file of ${JSON.stringify(files)}) {
          const module = await import(file);
          if (typeof module.handler !== "function") throw new Error(file + " exports no handler function");
        }
        console.log("loaded " + ${files.length});`;
      // The configuration a deployed stage has: the table's name and the secret's SSM parameter.
      // Loading reads neither DynamoDB nor SSM, so no endpoint or credentials are needed.
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: unpacked,
        env: {
          PATH: process.env.PATH ?? "",
          TABLE_NAME: "webim-serverless-prod",
          WEBIM_SECRET_PARAMETER: "/webim-serverless/prod/secret",
          AWS_REGION: "us-east-1",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
        timeout: 60_000,
      });
      expect(stdout.trim()).toBe(`loaded ${functions.length}`);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });

  it("declares the one table: pk/sk keys, on demand, TTL on expires", () => {
    const tables = resourcesOf("AWS::DynamoDB::Table");
    expect(tables).toHaveLength(1);
    const properties = tables[0]?.Properties;
    expect(properties?.TableName).toBe("webim-serverless-prod");
    expect(properties?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(properties?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ]),
    );
    expect(properties?.TimeToLiveSpecification).toEqual({ AttributeName: "expires", Enabled: true });
  });

  it("keeps the secret out of every function's configuration: it comes from SSM at run time", () => {
    expect(templateText).not.toContain(CANARY_SECRET);
    for (const fn of functions) {
      const variables = lambdaFor(fn).Environment?.Variables ?? {};
      expect(variables.WEBIM_SECRET ?? "", `${fn.name} WEBIM_SECRET`).toBe("");
      expect(variables.WEBIM_SECRET_PARAMETER, `${fn.name} WEBIM_SECRET_PARAMETER`).toBe("/webim-serverless/prod/secret");
      // A deployed function talks to the real DynamoDB, never to a developer's local one.
      expect(variables.DYNAMODB_ENDPOINT ?? "", `${fn.name} DYNAMODB_ENDPOINT`).toBe("");
      expect(variables.TABLE_NAME).toBe("webim-serverless-prod");
    }
    expect(templateText).not.toContain(CANARY_ENDPOINT);
    // ...and the functions may read that one parameter.
    expect(templateText).toContain("ssm:GetParameter");
    expect(templateText).toContain(":parameter/webim-serverless/prod/secret");
  });

  it("lets the packets long poll end before the HTTP API's 30 s limit", () => {
    const packets = functions.find((fn) => fn.name === "packets");
    expect(packets).toBeDefined();
    if (!packets) return;
    const timeout = lambdaFor(packets).Timeout;
    expect(timeout).toBeTypeOf("number");
    expect(timeout).toBeLessThan(30);
  });

  it("routes GET and POST /webim/<endpoint>, the CORS preflight and the browser files on the HTTP API", () => {
    const routes = resourcesOf("AWS::ApiGatewayV2::Route").map((route) => route.Properties?.RouteKey);
    expect(routes).toEqual(
      expect.arrayContaining(["GET /webim/packets", "POST /webim/packets", "OPTIONS /webim/{name}", ...ASSET_ROUTES]),
    );
    const endpoints = functions.filter((fn) => !NOT_ENDPOINTS.includes(fn.name));
    const httpRoutes = routes.filter((route) => !String(route).startsWith("$"));
    expect(httpRoutes).toHaveLength(endpoints.length * 2 + 1 + ASSET_ROUTES.length);
  });

  it("declares the WebSocket API's routes and hands its URLs to the functions", () => {
    const routes = resourcesOf("AWS::ApiGatewayV2::Route").map((route) => route.Properties?.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(["$connect", "$disconnect", "$default"]));
    const online = functions.find((fn) => fn.name === "online");
    expect(online).toBeDefined();
    if (!online) return;
    const variables = JSON.stringify(lambdaFor(online).Environment ?? {});
    expect(variables).toContain("wss://");
    expect(variables).toContain("WebsocketsApi");
    expect(templateText).toContain("execute-api:ManageConnections");
  });

  it("serves the widget and the console from the assets bundle, built from web/ while packaging", async () => {
    const zip = readFileSync(join(dir, "assets.zip"));
    const entry = zipEntries(zip).find((candidate) => candidate.name === "functions/assets.mjs");
    expect(entry).toBeDefined();
    if (!entry) return;
    const unpacked = mkdtempSync(join(tmpdir(), "webim-assets-"));
    try {
      for (const item of zipEntries(zip)) {
        mkdirSync(dirname(join(unpacked, item.name)), { recursive: true });
        writeFileSync(join(unpacked, item.name), zipEntryData(zip, item));
      }
      const file = join(unpacked, entry.name);
      const { handler } = (await import(pathToFileURL(file).href)) as {
        handler: (event: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body?: string }>;
      };
      const get = (rawPath: string) => handler({ rawPath, rawQueryString: "", headers: {} });
      const widget = await get("/webim.js");
      expect(widget.statusCode).toBe(200);
      expect(widget.headers["Content-Type"]).toMatch(/^application\/javascript/);
      expect(widget.body).toContain("webim-widget");
      const page = await get("/console");
      expect(page.statusCode).toBe(200);
      expect(page.headers["Content-Type"]).toMatch(/^text\/html/);
      expect(page.headers["Content-Security-Policy"]).toContain("script-src 'self'");
      expect((await get("/nothing-here")).statusCode).toBe(404);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });
});
