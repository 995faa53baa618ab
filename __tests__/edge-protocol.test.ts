/**
 * The CloudFront functions hold no copy of the lane protocol: their constants are generated from
 * packages/lane-context/src/protocol.ts at synth (then minified with the rest), and the deployed
 * code stays under 10 KB.
 */
import { Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { EDGE_FUNCTIONS, MAX_FUNCTION_CODE_BYTES, edgeFunctionCode, protocolNames, withProtocolConstants } from "../lib/edge/function-code";
import * as protocol from "../packages/lane-context/src/protocol";
import { EdgeStack } from "../stacks/edge-stack";
import { ROOT, exampleParams, synth } from "./helpers/project";

const source = (name: string) => readFileSync(join(ROOT, "edge", `${name}.js`), "utf8");

describe("the edge functions' lane protocol", () => {
  test.each(EDGE_FUNCTIONS)("%s: every constant it asks for equals the protocol module's, as handed to the minifier", (name) => {
    const names = protocolNames(source(name));
    expect(names.length).toBeGreaterThan(3);
    const code = withProtocolConstants(source(name));
    const block = code.split("\n").filter((l) => names.some((n) => l.startsWith(`const ${n} = `)));
    expect(block).toHaveLength(names.length);
    const values = vm.runInNewContext(`${block.join("\n")}\n({ ${names.join(", ")} })`) as Record<string, unknown>;
    for (const n of names) {
      const expected = (protocol as Record<string, unknown>)[n];
      const actual = values[n];
      if (expected instanceof RegExp) expect([n, (actual as RegExp).source, (actual as RegExp).flags]).toEqual([n, expected.source, expected.flags]);
      else expect([n, actual]).toEqual([n, expected]);
    }
  });

  test.each(EDGE_FUNCTIONS)("%s holds no hand-written copy of a protocol value", (name) => {
    // Code only: comments may name the protocol's values.
    const text = source(name)
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    for (const copy of ["ctx=lane:", "'lane:'", "'ctx'", "'rules'", "86400", "31536000", "115", "{0,113}", "'default'", "= 32;", "= 512;"]) {
      expect([name, copy, text.includes(copy)]).toEqual([name, copy, false]);
    }
  });

  test.each(EDGE_FUNCTIONS)("%s is under CloudFront's 10 KB limit with its generated constants, in either setting", (name) => {
    for (const requireSigned of [true, false]) expect(Buffer.byteLength(edgeFunctionCode(name, { requireSigned }), "utf8")).toBeLessThan(MAX_FUNCTION_CODE_BYTES);
  });

  test("the synthesized edge stack deploys exactly the generated code", () => {
    const bundles = mkdtempSync(join(tmpdir(), "lanes-bundles-"));
    try {
      const params = exampleParams();
      const s = synth(new EdgeStack(Testing.app(), params.infra("dev"), params.edge("dev"), bundles));
      const code = Object.fromEntries(s.resources("aws_cloudfront_function").map(([, f]) => [f.name as string, f.code as string]));
      // dev: requireSigned is off unless edge-dev.json says otherwise.
      expect(code["lanes-edge-dev-viewer-request"]).toBe(edgeFunctionCode("viewer-request", { requireSigned: false }));
      expect(code["lanes-edge-dev-viewer-response"]).toBe(edgeFunctionCode("viewer-response", { requireSigned: false }));
    } finally {
      rmSync(bundles, { recursive: true, force: true });
    }
  });
});
