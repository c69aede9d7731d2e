/**
 * `npm run build:web`: builds web/ (the visitor widget and the agent console) with esbuild into
 * web/dist/, and writes web/dist/assets.json, the table the `assets` function serves from. It runs
 * by itself whenever serverless bundles that function (scripts/lib/esbuild-plugins.cjs), so
 * `npm start`, the tests and `serverless package` always serve what web/ holds now.
 *
 * Prints each file's size and its gzipped size; the widget must stay under 30 KB gzipped.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB_DIR = join(ROOT, "web");
export const DIST_DIR = join(WEB_DIR, "dist");
/** The widget's budget (gzipped), from issue 5. */
export const WIDGET_BUDGET_BYTES = 30 * 1024;

/** What web/assets.d.ts declares for the `webim:assets` module. */
export interface WebAsset {
  type: string;
  /** The file, as UTF-8 text. */
  body: string;
  /** The same, gzipped, in base64: served to clients that accept gzip (the HTTP API compresses nothing itself). */
  gzip: string;
  /** A short hash of the body: the ETag, and the `?v=` of versioned URLs. */
  version: string;
  /** `versioned`: cached for a year when asked for with `?v=<version>`; `short`: five minutes; `none`: revalidated each time. */
  cache: "versioned" | "short" | "none";
}

export interface BuiltFile {
  route: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

const BROWSERS = ["es2020", "chrome90", "firefox90", "safari15", "edge90"];

/** Written beside, then renamed: a reader in another process (two stacks bundling at once) never sees half a file. */
function writeAtomically(file: string, body: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, body);
  renameSync(temporary, file);
}

function version(body: string): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 12);
}

function asset(type: string, body: string, cache: WebAsset["cache"]): WebAsset {
  return { type, body, gzip: gzipSync(body, { level: 9 }).toString("base64"), version: version(body), cache };
}

async function bundle(entry: string, options: { loader?: Record<string, "text"> } = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(WEB_DIR, entry)],
    bundle: true,
    minify: true,
    write: false,
    ...(entry.endsWith(".css") ? {} : { format: "iife" as const }),
    target: BROWSERS,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    ...(options.loader ? { loader: options.loader } : {}),
  });
  const [output] = result.outputFiles ?? [];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}

export async function buildWeb(): Promise<BuiltFile[]> {
  const widget = await bundle("widget/main.ts", { loader: { ".css": "text" } });
  const consoleJs = await bundle("console/main.ts");
  const consoleCss = await bundle("console/console.css");

  const assets: Record<string, WebAsset> = {
    "/webim.js": asset("application/javascript; charset=utf-8", widget, "short"),
    "/console.js": asset("application/javascript; charset=utf-8", consoleJs, "versioned"),
    "/console.css": asset("text/css; charset=utf-8", consoleCss, "versioned"),
  };
  const html = readFileSync(join(WEB_DIR, "console/index.html"), "utf8")
    .replace("__CONSOLE_JS_VERSION__", assets["/console.js"]?.version ?? "")
    .replace("__CONSOLE_CSS_VERSION__", assets["/console.css"]?.version ?? "");
  assets["/console"] = asset("text/html; charset=utf-8", html, "none");

  const files: Record<string, string> = {
    "/webim.js": "webim.js",
    "/console.js": "console.js",
    "/console.css": "console.css",
    "/console": "console.html",
  };
  mkdirSync(DIST_DIR, { recursive: true });
  const built: BuiltFile[] = [];
  for (const [route, file] of Object.entries(files)) {
    const entry = assets[route];
    if (!entry) continue;
    writeAtomically(join(DIST_DIR, file), entry.body);
    built.push({ route, file, bytes: Buffer.byteLength(entry.body), gzipBytes: Buffer.from(entry.gzip, "base64").length });
  }
  writeAtomically(join(DIST_DIR, "assets.json"), JSON.stringify(assets));

  const widgetSize = built.find((file) => file.route === "/webim.js");
  if (widgetSize && widgetSize.gzipBytes > WIDGET_BUDGET_BYTES) {
    throw new Error(`webim.js is ${widgetSize.gzipBytes} bytes gzipped, over its budget of ${WIDGET_BUDGET_BYTES}`);
  }
  return built;
}

export function sizeTable(built: BuiltFile[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const rows = built.map(
    (file) => `  ${file.route.padEnd(14)} ${kb(file.bytes).padStart(9)} ${kb(file.gzipBytes).padStart(9)} gzipped`,
  );
  return [`web/dist (widget budget: ${kb(WIDGET_BUDGET_BYTES)} gzipped)`, ...rows].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildWeb();
    if (!process.argv.includes("--quiet")) console.log(sizeTable(built));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
