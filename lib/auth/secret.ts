/**
 * The deployment's secret for visitor tokens. Locally it is in the environment; in AWS it is an
 * SSM SecureString read once per container, so it is in neither the repository nor the
 * function's configuration.
 */
import { config } from "../config.js";

let secret: Promise<string> | undefined;

async function fromParameterStore(name: string): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
  const ssm = new SSMClient({ region: config.region });
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = Parameter?.Value;
  if (!value || value.length < 32) throw new Error(`SSM parameter ${name} must hold at least 32 characters`);
  return value;
}

export function deploymentSecret(): Promise<string> {
  if (secret === undefined) {
    const pending =
      config.secret !== undefined ? Promise.resolve(config.secret) : fromParameterStore(String(config.secretParameter));
    // A failed read is retried on the next call instead of being cached for the container's life.
    secret = pending.catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
  }
  return secret;
}
