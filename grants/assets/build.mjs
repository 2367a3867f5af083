// Builds the service's assets into ../static (git-ignored): compiled Sass, GOV.UK Frontend's
// JavaScript, fonts and images. Run by `make assets`; nothing built is committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");
const govuk = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(here, "application.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "application.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(here, "application.js"), join(out, "application.js"));
cpSync(join(govuk, "assets", "images"), join(out, "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "manifest.json"));
console.log(`assets built in ${out}`);
