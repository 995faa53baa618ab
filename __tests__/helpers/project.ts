/** Shared test helpers: the project's paths, example params, temp params, synth-to-JSON. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, type TerraformStack } from "cdktf";
import { ParamsRepository } from "../../lib/params/load";

export const ROOT = join(__dirname, "..", "..");
export const PARAMS_DIR = join(ROOT, "params");

export function exampleParams(): ParamsRepository {
  return new ParamsRepository(PARAMS_DIR);
}

export type Json = Record<string, unknown>;

/** A temp copy of params/ with some files replaced or added (value undefined deletes). */
export class TempParams {
  readonly dir: string;

  constructor(files: Record<string, unknown> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "lanes-params-"));
    cpSync(PARAMS_DIR, this.dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) this.write(name, content);
  }

  read(name: string): Json {
    return JSON.parse(readFileSync(join(this.dir, name), "utf8")) as Json;
  }

  write(name: string, content: unknown): void {
    if (content === undefined) rmSync(join(this.dir, name), { force: true });
    else writeFileSync(join(this.dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }

  repo(): ParamsRepository {
    return new ParamsRepository(this.dir);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Example file content modified by `edit` (a deep copy is passed). */
export function exampleFile(name: string, edit: (json: Json) => void = () => undefined): Json {
  const json = JSON.parse(readFileSync(join(PARAMS_DIR, name), "utf8")) as Json;
  edit(json);
  return json;
}

export interface Synthesized {
  readonly json: Json;
  /** All resources of a type, as [logical id, config] pairs. */
  resources(type: string): [string, Json][];
  /** The only resource of a type (fails when there are none or several). */
  only(type: string): Json;
  data(type: string): [string, Json][];
  outputs(): Record<string, Json>;
}

export function synth(stack: TerraformStack): Synthesized {
  const json = JSON.parse(Testing.synth(stack)) as Json;
  const section = (name: string, type: string): [string, Json][] =>
    Object.entries(((json[name] as Record<string, Record<string, Json>> | undefined) ?? {})[type] ?? {});
  return {
    json,
    resources: (type) => section("resource", type),
    data: (type) => section("data", type),
    only(type) {
      const all = section("resource", type);
      if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
      return all[0]![1];
    },
    outputs: () => (json.output as Record<string, Json> | undefined) ?? {},
  };
}

/** Terraform-style reference text of a resource attribute, e.g. `${aws_lb.alb_alb_123.arn}`. */
export function ref(type: string, logicalId: string, attr: string): string {
  return `\${${type}.${logicalId}.${attr}}`;
}
