import { sweepAll } from "../lib/im/sweep.js";

/** Every minute (serverless.yml): presence and open conversations of users who left without saying so. */
export async function handler(): Promise<void> {
  const report = await sweepAll();
  console.log(JSON.stringify({ level: "info", sweep: report }));
}
