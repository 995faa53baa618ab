/** Writes params/schema/*.schema.json from the params schemas (run: npm run schemas). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderSchemas } from "../lib/params/json-schema";

const dir = join(__dirname, "..", "params", "schema");
for (const [file, text] of Object.entries(renderSchemas())) {
  writeFileSync(join(dir, file), text);
  process.stdout.write(`wrote params/schema/${file}\n`);
}
