// Copies the front-end packages' built files from node_modules into the Django static folder
// (src/interlocal/static/vendor/, not committed). Run by `./dev setup` through `npm run build`.
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src", "interlocal", "static", "vendor");
const nm = join(root, "node_modules");

const copies = [
  ["@uswds/uswds/dist/css", "uswds/css"],
  ["@uswds/uswds/dist/js", "uswds/js"],
  ["@uswds/uswds/dist/fonts", "uswds/fonts"],
  ["@uswds/uswds/dist/img", "uswds/img"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  // Charts (Vega-Lite specs built on the server, rendered by vega-embed in the browser).
  ["vega/build/vega.min.js", "vega/vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of copies) {
  const src = join(nm, from);
  if (!existsSync(src)) {
    console.error(`missing ${src}: run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(src, join(out, to), { recursive: true });
}
// vega-embed and vega-tooltip put their CSS into the page as an inline <style>, which the
// Content-Security-Policy refuses (style-src 'self'); charts.js turns that off, and the same CSS
// is served as a file instead, taken from the installed packages' own style modules.
const styles = ["vega-embed/src/style.ts", "vega-tooltip/src/style.ts"].map((from) => {
  const text = readFileSync(join(nm, from), "utf8");
  const match = text.match(/export default `([^`]*)`;/);
  if (!match || match[1].includes("${")) {
    console.error(`${from}: not the expected \`export default \`...\`\` style module`);
    process.exit(1);
  }
  return `/* ${from.split("/")[0]} */\n${match[1]}`;
});
writeFileSync(join(out, "vega", "vega-embed.css"), styles.join("\n"));

console.log(`assets copied to ${out}`);
