/**
 * The built browser files, as the `assets` function imports them. The module exists only inside a
 * bundle: scripts/lib/esbuild-plugins.cjs builds web/ (scripts/build-web.ts) when esbuild asks for it.
 */
declare module "webim:assets" {
  export interface WebAsset {
    type: string;
    body: string;
    gzip: string;
    version: string;
    cache: "versioned" | "short" | "none";
  }
  const assets: Readonly<Record<string, WebAsset>>;
  export default assets;
}
