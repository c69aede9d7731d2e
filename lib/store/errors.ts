/**
 * SDK errors become domain errors here, so nothing above `lib/store` knows the SDK.
 */
import { TooManyRequests } from "../http/errors.js";

const THROTTLED = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]);

/** A create that found its item already there (a conditional put refused). */
export class AlreadyExists extends Error {
  override name = "AlreadyExists";
}

/** An update or delete of an item that is not there (a conditional write refused). */
export class DoesNotExist extends Error {
  override name = "DoesNotExist";
}

export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Runs one store call; throttling (after the SDK's own retries) becomes 429, anything else stays internal. */
export async function storeCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && THROTTLED.has(error.name)) throw new TooManyRequests();
    throw error;
  }
}

/** Runs a conditional write: true when written, false when its condition refused it. */
export async function conditionalWrite(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await storeCall(run);
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
