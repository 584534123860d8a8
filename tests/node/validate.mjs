// Validates an AsyncAPI document with the official parser (@asyncapi/parser); prints its diagnostics as JSON.
// Usage: node validate.mjs DOCUMENT.json   (tests/support/node.py installs the parser next to this file)
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const text = readFileSync(process.argv[2], "utf8");
const { document, diagnostics } = await new Parser().parse(text);
const out = diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path }));
console.log(JSON.stringify({ parsed: document !== undefined, version: document?.version(), diagnostics: out }));
