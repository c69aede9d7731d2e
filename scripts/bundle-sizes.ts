/**
 * `npm run bench:bundles [-- --dir <package dir>] [--stage <stage>]`: the size of each function's
 * deployment zip and of what it unpacks to. Without `--dir` it runs `serverless package` into a
 * temporary directory first, with no AWS credentials (packaging must never need an account).
 *
 * The helpers (packaging, the function list of serverless.yml, a small zip reader) are also used
 * by test/package/.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { crc32, inflateRawSync } from "node:zlib";
import { parse } from "yaml";
import { cloudFormationTags } from "./lib/table.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVERLESS_YML = join(ROOT, "serverless.yml");

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// serverless.yml

export interface FunctionEntry {
  /** The function's name in serverless.yml, also its zip's name. */
  name: string;
  /** `functions/online.handler` */
  handler: string;
  /** The bundle inside the zip: `functions/online.mjs`. */
  bundle: string;
}

/** The functions serverless.yml declares, in its order. */
export function functionEntries(serverlessYml = SERVERLESS_YML): FunctionEntry[] {
  const doc = parse(readFileSync(serverlessYml, "utf8"), { customTags: cloudFormationTags }) as {
    functions: Record<string, { handler: string }>;
  };
  return Object.entries(doc.functions).map(([name, { handler }]) => ({
    name,
    handler,
    bundle: `${handler.slice(0, handler.lastIndexOf("."))}.mjs`,
  }));
}

// ---------------------------------------------------------------------------------------------
// `serverless package`

/** Everything through which the AWS SDK could find credentials, dropped from the packaging environment. */
const CREDENTIAL_VARIABLES =
  /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|SHARED_CREDENTIALS_FILE|CONFIG_FILE|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|ROLE_SESSION_NAME|CONTAINER_.*)$/;

export interface PackageOptions {
  /** Where the zips and CloudFormation templates go (`--package`). */
  dir: string;
  stage?: string;
  /** Added to the (credential-free) environment of the command. */
  env?: Record<string, string>;
}

export interface PackageResult {
  dir: string;
  output: string;
  ms: number;
}

/**
 * `serverless package --stage <stage> --package <dir>` as a machine with no AWS account runs it:
 * no credentials, an empty home directory (no ~/.aws, no framework login), no telemetry.
 */
export async function packageService(options: PackageOptions): Promise<PackageResult> {
  const home = mkdtempSync(join(tmpdir(), "webim-package-home-"));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !CREDENTIAL_VARIABLES.test(name)) env[name] = value;
  }
  Object.assign(env, {
    HOME: home,
    // Anything that still looked for credentials would fail at once instead of waiting on EC2's metadata service.
    AWS_EC2_METADATA_DISABLED: "true",
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...options.env,
  });
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(
      join(ROOT, "node_modules/.bin/serverless"),
      ["package", "--stage", options.stage ?? "prod", "--package", options.dir],
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024, timeout: 170_000 },
    );
    return { dir: options.dir, output: `${stdout}${stderr}`, ms: Date.now() - started };
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed: ${failed.message}\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// A zip reader: the central directory gives every entry's sizes; the data is stored or deflated.

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** The files of a zip archive, from its central directory (directories left out). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  let end = -1;
  // The end record is 22 bytes plus a comment of at most 65535.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip archive: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  const offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error("ZIP64 archives are not supported");
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`bad central directory entry at byte ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    if (!name.endsWith("/")) {
      entries.push({
        name,
        method: zip.readUInt16LE(at + 10),
        crc: zip.readUInt32LE(at + 16),
        compressedSize: zip.readUInt32LE(at + 20),
        size: zip.readUInt32LE(at + 24),
        localHeaderOffset: zip.readUInt32LE(at + 42),
      });
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** One entry's content, checked against its size and CRC-32. */
export function zipEntryData(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== LOCAL_FILE_HEADER) throw new Error(`${entry.name}: bad local header at byte ${at}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
  if (data.length !== entry.size) throw new Error(`${entry.name}: ${data.length} bytes, the directory says ${entry.size}`);
  if (crc32(data) >>> 0 !== entry.crc) throw new Error(`${entry.name}: CRC-32 mismatch`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// Sizes

export interface BundleSize {
  function: string;
  zipBytes: number;
  /** Unpacked size of the handler's bundle. */
  mjsBytes: number;
  /** Unpacked size of its source map (shipped for `--enable-source-maps`). */
  mapBytes: number;
  /** Every file of the zip, unpacked. */
  unzippedBytes: number;
  files: number;
}

export function bundleSizes(dir: string, functions = functionEntries()): BundleSize[] {
  return functions.map((fn) => {
    const file = join(dir, `${fn.name}.zip`);
    const entries = zipEntries(readFileSync(file));
    const sizeOf = (name: string) => entries.find((entry) => entry.name === name)?.size ?? 0;
    return {
      function: fn.name,
      zipBytes: statSync(file).size,
      mjsBytes: sizeOf(fn.bundle),
      mapBytes: sizeOf(`${fn.bundle}.map`),
      unzippedBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
      files: entries.length,
    };
  });
}

/** A plain-text table, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows].map((row) =>
    row.map((cell) => (typeof cell === "number" ? cell.toLocaleString("en-US") : cell)),
  );
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(cells[0] ?? []), widths.map((width) => "-".repeat(width)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, stage: { type: "string", default: "prod" }, keep: { type: "boolean", default: false } },
  });
  let dir = values.dir ? resolve(values.dir) : undefined;
  let temporary = false;
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), "webim-package-"));
    temporary = !values.keep;
    const result = await packageService({ dir, stage: values.stage });
    console.log(
      `serverless package --stage ${values.stage}: ${(result.ms / 1000).toFixed(1)} s${temporary ? "" : `, into ${dir}`}\n`,
    );
  } else {
    const zips = readdirSync(dir).filter((name) => name.endsWith(".zip"));
    if (zips.length === 0) throw new Error(`${dir} holds no zip: run \`serverless package --package ${dir}\` first`);
  }
  try {
    const sizes = bundleSizes(dir);
    const total = (key: "zipBytes" | "mjsBytes" | "mapBytes" | "unzippedBytes") =>
      sizes.reduce((sum, size) => sum + size[key], 0);
    console.log(
      formatTable(
        ["function", "zip bytes", ".mjs bytes", ".mjs.map bytes", "unzipped bytes", "files"],
        [
          ...sizes.map((size) => [size.function, size.zipBytes, size.mjsBytes, size.mapBytes, size.unzippedBytes, size.files]),
          [
            "total",
            total("zipBytes"),
            total("mjsBytes"),
            total("mapBytes"),
            total("unzippedBytes"),
            sizes.reduce((sum, size) => sum + size.files, 0),
          ],
        ],
      ),
    );
  } finally {
    if (temporary) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
