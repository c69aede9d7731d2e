/** esbuild's `text` loader: a CSS file imported by the widget is its text (scripts/build-web.ts). */
declare module "*.css" {
  const css: string;
  export default css;
}
