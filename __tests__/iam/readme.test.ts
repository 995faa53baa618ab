/** The README's role table is generated from the needs table and the roles' Deny statements. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { README_BEGIN, README_END, renderRoleTable } from "../../lib/policies/needs/readme";
import { ROOT } from "../helpers/project";

test("README's 'What each role may do' table is the generated one (npm run docs regenerates it)", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(readme.slice(start, end + README_END.length)).toBe(renderRoleTable());
});
