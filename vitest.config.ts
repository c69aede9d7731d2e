import { defineConfig } from "vitest/config";

// The machines run Node 20 while Lambda runs 22; the SDK's notice about that is known, not news.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

export default defineConfig({
  test: {
    env,
    projects: [
      {
        test: {
          name: "unit",
          env,
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["test/unit/env.ts"],
        },
      },
      {
        test: {
          name: "integration",
          env,
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One local stack serves every file; files run one after another against it.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          env,
          include: ["test/e2e/**/*.test.ts"],
          // Its own local stack with the demo shop (test/e2e/global-setup.ts); Chromium from Debian.
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "package",
          env,
          include: ["test/package/**/*.test.ts"],
          // `serverless package` with esbuild takes seconds here; the limit only bounds a hang.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
