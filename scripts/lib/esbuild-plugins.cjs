/**
 * esbuild plugins for serverless-esbuild (`custom.esbuild.plugins` in serverless.yml).
 *
 * `webim:assets`: the module functions/assets.ts serves from. Loading it runs scripts/build-web.ts,
 * which builds web/ into web/dist/ and its table web/dist/assets.json, so every bundle of the
 * function (serverless offline, package, deploy) holds the browser files web/ holds now, on a
 * fresh clone too. CommonJS because serverless-esbuild loads this file with `require`.
 */
const { execFileSync } = require("node:child_process");
const { join } = require("node:path");

const ROOT = join(__dirname, "../..");

/** @type {import("esbuild").Plugin} */
const webAssets = {
  name: "webim-assets",
  setup(build) {
    build.onResolve({ filter: /^webim:assets$/ }, () => ({
      path: join(ROOT, "web/dist/assets.json"),
      namespace: "webim-assets",
    }));
    build.onLoad({ filter: /.*/, namespace: "webim-assets" }, (args) => {
      execFileSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts/build-web.ts"), "--quiet"], {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
      });
      return { contents: require("node:fs").readFileSync(args.path, "utf8"), loader: "json" };
    });
  },
};

module.exports = [webAssets];
