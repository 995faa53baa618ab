import { readFileSync } from "node:fs";
import { edgeNames } from "../../naming";
import { addUserKeyToStore, mintTesterToken, setRules, showRules } from "../../ops/edge-rules";
import { EDGE_KEY_ROTATION_DAYS, EDGE_SYNC_MINUTES } from "../../params/schema";
import type { CommandSpec } from "../command";
import { changedBy } from "../context";
import { UsageError } from "../exit-codes";
import { ENV, JSON_OUTPUT, option, required } from "../options";

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `30m`, `2h`, `1d` in seconds. */
export function parseTtl(text: string): number {
  const m = /^([0-9]+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--ttl '${text}' is not a duration: a whole number with s, m, h or d (e.g. 2h).`);
  return Number(m[1]) * UNITS[m[2] || "s"]!;
}

export const command: CommandSpec = {
  name: "edge",
  summary: "the env's lane rules at the edge: show or set them (validated with the sync's own rules code), mint a tester token, register the identity provider's user-id key",
  description: [
    "show: the stored rules. set --file rules.json: validate and store them (the version must grow; `changed` is computed).",
    "token <lane> [--ttl 2h]: a signed tester token for the lane, to send in the rules' testerHeader; at most keyRotationDays long.",
    "user-key --id <id> --file <key>: the HS256 secret the user-id JWTs are signed with (the previous one stays accepted).",
    "Minting reads the signing key: only people who may test get dynamodb:GetItem on the rules table's item 'keys'.",
  ].join("\n"),
  arguments: [
    { name: "action", description: "show, set, token or user-key", required: true, choices: ["show", "set", "token", "user-key"] },
    { name: "lane", description: "the lane of a tester token (token)", required: false },
  ],
  options: [
    ENV,
    { flags: "--file <file>", description: "the rules to store (set), or the file holding the key (user-key)" },
    { flags: "--ttl <duration>", description: "how long the tester token is valid (token): 90s, 30m, 2h, 1d; default 2h" },
    { flags: "--id <id>", description: "the key id the JWTs name in `kid` (user-key)" },
    JSON_OUTPUT,
  ],
  examples: [
    "lanes edge show --env dev",
    "lanes edge set --env dev --file rules.json",
    "lanes edge token gray --env prod --ttl 2h",
    "lanes edge user-key --env prod --id idp-2026 --file idp-hs256.key",
  ],
  exitCodes: ["usage", "unknownLane"],
  async run(input, ctx) {
    const env = required(input, "env", "--env dev");
    const infra = ctx.params.infra(env);
    const dynamodb = ctx.edgeTable(infra.region);
    const action = input.args[0];
    const edge = ctx.params.hasEdge(env) ? ctx.params.edge(env) : undefined;
    if (action === "set") {
      const file = option(input, "file");
      if (!file) throw new UsageError("edge set needs --file rules.json");
      const rules = await setRules(dynamodb, env, JSON.parse(readFileSync(file, "utf8")) as unknown, changedBy(ctx.env));
      const minutes = edge?.syncMinutes ?? EDGE_SYNC_MINUTES;
      return {
        code: 0,
        result: { env, stored: rules },
        text: `rules v${rules.version} stored for ${env}; the sync writes them to the edge within ${minutes} minutes (now: aws lambda invoke --function-name ${edgeNames(env).syncFunction} /dev/stdout)`,
      };
    }
    if (action === "token") {
      const lane = input.args[1];
      if (!lane) throw new UsageError(`edge token needs the lane: lanes edge token gray --env ${env} --ttl 2h`);
      const ttl = parseTtl(option(input, "ttl") ?? "2h");
      const maxTtl = (edge?.keyRotationDays ?? EDGE_KEY_ROTATION_DAYS) * 86400;
      const minted = await mintTesterToken(dynamodb, env, lane, ttl, maxTtl);
      const until = new Date(minted.expires * 1000).toISOString();
      const how = minted.header
        ? `send it as the header ${minted.header}: curl -H '${minted.header}: ${minted.token}' https://<the edge>/…`
        : `the rules name no testerHeader yet: add one (lanes edge set) before the token can be sent`;
      return { code: 0, result: { env, ...minted, expiresAt: until }, text: `${minted.token}\n(lane ${lane} until ${until}, key ${minted.keyId}; ${how})` };
    }
    if (action === "user-key") {
      const id = option(input, "id");
      const file = option(input, "file");
      if (!id || !file) throw new UsageError("edge user-key needs --id <kid> and --file <file holding the HS256 secret>");
      const accepted = await addUserKeyToStore(dynamodb, env, id, readFileSync(file, "utf8").trim(), changedBy(ctx.env));
      return { code: 0, result: { env, accepted }, text: `user-id key ${id} stored for ${env}; accepted now: ${accepted.join(", ")} (at the edge after the next sync)` };
    }
    const stored = await showRules(dynamodb, env);
    if (!stored) {
      return { code: 7, result: { env, rules: null }, text: `no lane rules stored for ${env} yet: everyone goes to default (set them with lanes edge set --env ${env} --file rules.json)` };
    }
    return { code: 0, result: { env, ...stored }, text: `${JSON.stringify(stored.rules, null, 2)}\n(updated ${stored.updatedAt ?? "?"} by ${stored.updatedBy ?? "?"})` };
  },
};
