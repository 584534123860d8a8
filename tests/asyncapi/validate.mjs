// Validates an AsyncAPI document with the official parser (@asyncapi/parser); prints its diagnostics as JSON.
// Usage: node validate.mjs DOCUMENT.json   (the parser is installed next to this file by the test setup)
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const text = readFileSync(process.argv[2], "utf8");
const { document, diagnostics } = await new Parser().parse(text);
const out = diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path }));
console.log(JSON.stringify({ parsed: document !== undefined, version: document?.version(), diagnostics: out }));
