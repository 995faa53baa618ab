import { readFileSync } from "node:fs";
import { edgeNames } from "../../naming";
import { setRules, showRules } from "../../ops/edge-rules";
import { EDGE_SYNC_MINUTES } from "../../params/schema";
import type { CommandSpec } from "../command";
import { changedBy } from "../context";
import { UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, option, required } from "../options";

export const command: CommandSpec = {
  name: "edge",
  summary: "show or set the env's lane rules at the edge (validated with the sync's own rules code before they are stored)",
  arguments: [{ name: "action", description: "show or set", required: true, choices: ["show", "set"] }],
  options: [ENV, { flags: "--file <rules.json>", description: "the rules to store (set)" }, JSON_OUTPUT],
  examples: ["lanes edge show --env dev", "lanes edge set --env dev --file rules.json"],
  exitCodes: ["usage", "unknownLane"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const infra = ctx.params.infra(env);
    const dynamodb = ctx.edgeTable(infra.region);
    if (input.args[0] === "set") {
      const file = option(input, "file");
      if (!file) throw new UsageError("edge set needs --file rules.json");
      const rules = await setRules(dynamodb, env, JSON.parse(readFileSync(file, "utf8")) as unknown, changedBy(ctx.env));
      const minutes = ctx.params.hasEdge(env) ? ctx.params.edge(env).syncMinutes : EDGE_SYNC_MINUTES;
      return {
        code: 0,
        result: { env, stored: rules },
        text: `rules v${rules.version} stored for ${env}; the sync writes them to the edge within ${minutes} minutes (now: aws lambda invoke --function-name ${edgeNames(env).syncFunction} /dev/stdout)`,
      };
    }
    const stored = await showRules(dynamodb, env);
    if (!stored) {
      return { code: 7, result: { env, rules: null }, text: `no lane rules stored for ${env} yet: everyone goes to default (set them with lanes edge set --env ${env} --file rules.json)` };
    }
    return { code: 0, result: { env, ...stored }, text: `${JSON.stringify(stored.rules, null, 2)}\n(updated ${stored.updatedAt ?? "?"} by ${stored.updatedBy ?? "?"})` };
  },
};
