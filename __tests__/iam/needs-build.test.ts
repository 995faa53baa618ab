/**
 * The build's own calls in the needs table (lib/policies/needs/build.ts), against what makes them:
 * - CodeBuild's logs: CodeBuild writes a project's logs to `/aws/codebuild/{project}` (the policy
 *   its console generates for a project's service role grants the three calls on that group's ARN
 *   and its `:*` form; CodeBuild User Guide, "Create a CodeBuild service role"). The group is
 *   created on its own ARN (Service Authorization Reference: CreateLogGroup, resource type
 *   log-group); streams and events go to `…:log-stream:{name}` (log-stream), which the `:*` form
 *   stands for.
 * - The tester token the verify step mints through the edge: the real `mintTesterToken`
 *   (lib/ops/edge-rules.ts, which lib/ci/verify.ts calls) run against a DynamoDB client that
 *   records what it is asked (the SDK edge is the stub): the items it reads are the rows'
 *   `dynamodb:LeadingKeys`, its table their resource.
 */
import type { DynamoDBClient, GetItemCommandInput } from "@aws-sdk/client-dynamodb";
import { NEEDS } from "../../lib/policies/needs";
import { mintTesterToken } from "../../lib/ops/edge-rules";
import { needContext, needRows } from "./needs-context";
import { ACCOUNT, REGION } from "./simulate";

const keysModule = require("../../edge/keys.js") as typeof import("../../edge/keys");

const c = needContext("user-api");
const logGroup = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;

test("each layer's build writes its own project's log group: created on the group, streams and events on its :* form", () => {
  const rows = NEEDS.filter((n) => n.resourceType === "build.codebuild").map((n) => [n.layer, n.action, n.resource(c), n.scope]);
  expect(rows).toEqual([
    ["infra", "logs:CreateLogGroup", logGroup("/aws/codebuild/infra-dev-deploy"), "env"],
    ["infra", "logs:CreateLogStream", logGroup("/aws/codebuild/infra-dev-deploy:*"), "env"],
    ["infra", "logs:PutLogEvents", logGroup("/aws/codebuild/infra-dev-deploy:*"), "env"],
    ["boot", "logs:CreateLogGroup", logGroup("/aws/codebuild/bootstrap-dev-deploy"), "env"],
    ["boot", "logs:CreateLogStream", logGroup("/aws/codebuild/bootstrap-dev-deploy:*"), "env"],
    ["boot", "logs:PutLogEvents", logGroup("/aws/codebuild/bootstrap-dev-deploy:*"), "env"],
    ["app", "logs:CreateLogGroup", logGroup("/aws/codebuild/user-api-dev-deploy"), "service"],
    ["app", "logs:CreateLogStream", logGroup("/aws/codebuild/user-api-dev-deploy:*"), "service"],
    ["app", "logs:PutLogEvents", logGroup("/aws/codebuild/user-api-dev-deploy:*"), "service"],
  ]);
});

test("the tester token's reads are the rows of the edge table: the items mintTesterToken reads, on the table it reads them from", async () => {
  const asked: GetItemCommandInput[] = [];
  const items: Record<string, Record<string, { S: string }>> = {
    active: { rules: { S: JSON.stringify({ version: 3, lanes: ["default", "gray"] }) } },
    keys: { keys: { S: JSON.stringify(keysModule.rotateEdgeKeys({}, new Date(), 7).keys) } },
  };
  const dynamodb = {
    send: async (command: { input: GetItemCommandInput }) => {
      asked.push(command.input);
      return { Item: items[command.input.Key!.id!.S!] };
    },
  } as unknown as DynamoDBClient;
  const token = await mintTesterToken(dynamodb, c.env, c.lane, 600, 7 * 86400);
  expect(token.lane).toBe("gray");

  const reads = asked.map((input) => [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${input.TableName}`, input.Key!.id!.S]);
  expect(reads).toEqual([
    [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/lanes-edge-dev-rules`, "active"],
    [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/lanes-edge-dev-rules`, "keys"],
  ]);
  const rows = needRows({ resourceType: "build.lanes-cli", action: "dynamodb:GetItem" });
  expect(rows.map((n) => [n.resource(c), ...(n.context!(c)["dynamodb:LeadingKeys"] as string[])])).toEqual(reads);
  // Each says what its item is for: the rules (which name the tester header), the key that signs the token.
  expect(rows.map((n) => n.note)).toEqual([expect.stringMatching(/rules.*tester header/), expect.stringMatching(/token.*edge key/)]);
});
