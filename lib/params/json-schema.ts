import { z } from "zod";
import { PUBLISHED_SCHEMAS } from "./schema";

/** The editor JSON Schemas, as file name → text. A test keeps the committed files equal to these. */
export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
    out[file] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return out;
}
