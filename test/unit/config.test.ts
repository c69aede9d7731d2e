import { describe, expect, it } from "vitest";
import { ConfigError, HTTP_API_LIMIT_MS, loadConfig } from "../../lib/config.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const MINIMAL = { TABLE_NAME: "webim-test", WEBIM_SECRET: SECRET };

/** Runs `act`, which must throw a ConfigError; returns its message. */
function configErrorOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

describe("loadConfig", () => {
  it("fills in every default from the two required variables", () => {
    // Act
    const config = loadConfig(MINIMAL);

    // Assess
    expect(config).toEqual({
      tableName: "webim-test",
      dynamodbEndpoint: undefined,
      region: "us-east-1",
      secret: SECRET,
      secretParameter: undefined,
      pollWaitMs: 25_000,
      pollIntervalMs: 100,
      pollIntervalMaxMs: 1_000,
      ticketIdleMs: 1_800_000,
      presenceGraceMs: 60_000,
      siteCacheMs: 30_000,
      publicBaseUrl: undefined,
      logCapacity: false,
    });
  });

  it("reads every variable that is set", () => {
    // Act
    const config = loadConfig({
      TABLE_NAME: " webim-prod ",
      WEBIM_SECRET_PARAMETER: "/webim/prod/secret",
      DYNAMODB_ENDPOINT: "http://localhost:8000",
      AWS_REGION: "eu-west-1",
      POLL_WAIT_MS: "20000",
      POLL_INTERVAL_MS: "200",
      POLL_INTERVAL_MAX_MS: "2000",
      TICKET_IDLE_SECONDS: "600",
      PRESENCE_GRACE_SECONDS: "30",
      SITE_CACHE_SECONDS: "0",
      PUBLIC_BASE_URL: "https://chat.example.com//",
      LOG_DYNAMODB_CAPACITY: "1",
    });

    // Assess
    expect(config).toEqual({
      tableName: "webim-prod",
      dynamodbEndpoint: "http://localhost:8000",
      region: "eu-west-1",
      secret: undefined,
      secretParameter: "/webim/prod/secret",
      pollWaitMs: 20_000,
      pollIntervalMs: 200,
      pollIntervalMaxMs: 2_000,
      ticketIdleMs: 600_000,
      presenceGraceMs: 30_000,
      siteCacheMs: 0,
      publicBaseUrl: "https://chat.example.com",
      logCapacity: true,
    });
  });

  it("takes a secret of exactly 32 characters", () => {
    expect(loadConfig({ ...MINIMAL, WEBIM_SECRET: "x".repeat(32) }).secret).toBe("x".repeat(32));
  });

  it("takes the poll wait at its limit, 3 s under API Gateway's 30 s", () => {
    expect(loadConfig({ ...MINIMAL, POLL_WAIT_MS: String(HTTP_API_LIMIT_MS - 3_000) }).pollWaitMs).toBe(27_000);
  });

  it.each([
    { what: "TABLE_NAME missing", env: { WEBIM_SECRET: SECRET }, variable: "TABLE_NAME" },
    { what: "TABLE_NAME blank", env: { ...MINIMAL, TABLE_NAME: "  " }, variable: "TABLE_NAME" },
    { what: "neither secret", env: { TABLE_NAME: "t" }, variable: "WEBIM_SECRET" },
    {
      what: "both secrets blank",
      env: { TABLE_NAME: "t", WEBIM_SECRET: "", WEBIM_SECRET_PARAMETER: " " },
      variable: "WEBIM_SECRET_PARAMETER",
    },
    { what: "a secret of 31 characters", env: { ...MINIMAL, WEBIM_SECRET: "x".repeat(31) }, variable: "WEBIM_SECRET" },
    { what: "POLL_WAIT_MS above 27000", env: { ...MINIMAL, POLL_WAIT_MS: "27001" }, variable: "POLL_WAIT_MS" },
    { what: "POLL_WAIT_MS at API Gateway's 30 s", env: { ...MINIMAL, POLL_WAIT_MS: "30000" }, variable: "POLL_WAIT_MS" },
    { what: "POLL_WAIT_MS negative", env: { ...MINIMAL, POLL_WAIT_MS: "-1" }, variable: "POLL_WAIT_MS" },
    { what: "POLL_WAIT_MS not an integer", env: { ...MINIMAL, POLL_WAIT_MS: "12.5" }, variable: "POLL_WAIT_MS" },
    { what: "POLL_WAIT_MS not a number", env: { ...MINIMAL, POLL_WAIT_MS: "25s" }, variable: "POLL_WAIT_MS" },
    { what: "POLL_INTERVAL_MS below 10", env: { ...MINIMAL, POLL_INTERVAL_MS: "5" }, variable: "POLL_INTERVAL_MS" },
    {
      what: "POLL_INTERVAL_MAX_MS below POLL_INTERVAL_MS",
      env: { ...MINIMAL, POLL_INTERVAL_MS: "500", POLL_INTERVAL_MAX_MS: "400" },
      variable: "POLL_INTERVAL_MAX_MS",
    },
    {
      what: "TICKET_IDLE_SECONDS under a minute",
      env: { ...MINIMAL, TICKET_IDLE_SECONDS: "59" },
      variable: "TICKET_IDLE_SECONDS",
    },
    {
      what: "PRESENCE_GRACE_SECONDS over an hour",
      env: { ...MINIMAL, PRESENCE_GRACE_SECONDS: "3601" },
      variable: "PRESENCE_GRACE_SECONDS",
    },
  ])("refuses $what with a ConfigError naming $variable", ({ env, variable }) => {
    // Act
    const message = configErrorOf(() => loadConfig(env));

    // Assess
    expect(message).toContain(variable);
  });

  it("says what it got for a bad number", () => {
    expect(configErrorOf(() => loadConfig({ ...MINIMAL, POLL_WAIT_MS: "27001" }))).toBe(
      "POLL_WAIT_MS must be an integer from 0 to 27000, not 27001",
    );
  });
});
