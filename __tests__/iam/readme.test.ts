/** The README's role table is generated from the needs table and the roles' Deny statements. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { README_BEGIN, README_END, deniedCell, renderRoleTable } from "../../lib/policies/needs/readme";
import { ROOT } from "../helpers/project";

test("README's 'What each role may do' table is the generated one (npm run docs regenerates it)", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(readme.slice(start, end + README_END.length)).toBe(renderRoleTable());
});

describe("the Explicit Deny cell, fed on purpose (today's roles deny only on `*`)", () => {
  test("only Deny statements; each its actions, then its resources' resource parts unless the resource is `*` alone", () => {
    expect(
      deniedCell([
        { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        { Effect: "Deny", Action: ["iam:CreateUser", "iam:CreateAccessKey"], Resource: "*" },
        { Effect: "Deny", Action: "s3:DeleteBucket", Resource: ["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/app/*"] },
        { Effect: "Deny", Action: "ecs:DeleteCluster", Resource: "arn:aws:ecs:{region}:{account}:cluster/{env}-cluster" },
      ]),
    ).toBe("`iam:CreateUser`, `iam:CreateAccessKey`; `s3:DeleteBucket` on `{bucket}`, `{bucket}/app/*`; `ecs:DeleteCluster` on `cluster/{env}-cluster`");
  });

  test("`*` among other resources is shown as `*`; a conditioned Deny says so; no Deny, an empty cell", () => {
    expect(deniedCell([{ Effect: "Deny", Action: "ec2:DeleteVpc", Resource: ["*", "arn:aws:ec2:{region}:{account}:vpc/vpc-1"], Condition: { StringNotEquals: { "aws:ResourceTag/env": "{env}" } } }])).toBe(
      "`ec2:DeleteVpc` on `*`, `vpc/vpc-1` (conditioned)",
    );
    expect(deniedCell([{ Effect: "Allow", Action: "*", Resource: "*" }])).toBe("");
  });
});

test("the Explicit Deny cell keeps the colons inside a resource part (a log group's `:*`)", () => {
  expect(deniedCell([{ Effect: "Deny", Action: "logs:DeleteLogGroup", Resource: "arn:aws:logs:{region}:{account}:log-group:/ecs/{env}/*:*" }])).toBe("`logs:DeleteLogGroup` on `log-group:/ecs/{env}/*:*`");
});
