import { allowed, evaluate, parsePolicyJson, type PolicyDocument, type Statement } from "../lib/iam-eval";

const BUCKET = "arn:aws:s3:::tf-state";
const doc = (...Statement: Statement[]): PolicyDocument[] => [{ Version: "2012-10-17", Statement }];
const allow = (Action: string | string[], Resource: string | string[], Condition?: Statement["Condition"]): Statement => ({
  Effect: "Allow",
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
/** One Allow statement on s3:ListBucket of the bucket guarded by a single condition. */
const listIf = (Condition: Statement["Condition"]): PolicyDocument[] => doc(allow("s3:ListBucket", BUCKET, Condition));
const list = (policies: PolicyDocument[], context?: Record<string, string | string[]>) =>
  evaluate(policies, { action: "s3:ListBucket", resource: BUCKET, ...(context ? { context } : {}) });

describe("actions and resources", () => {
  test("action wildcard matches any action of the service", () => {
    const p = doc(allow("s3:Get*", `${BUCKET}/*`));
    expect(allowed(p, "s3:GetObject", `${BUCKET}/a`)).toBe(true);
    expect(allowed(p, "s3:GetObjectTagging", `${BUCKET}/a`)).toBe(true);
    expect(allowed(p, "s3:PutObject", `${BUCKET}/a`)).toBe(false);
  });

  test("`*` action matches every action", () => {
    expect(allowed(doc(allow("*", "*")), "ecs:UpdateService", "arn:aws:ecs:eu-west-1:1:service/x")).toBe(true);
  });

  test("`?` matches exactly one character", () => {
    const p = doc(allow("s3:GetObject", `${BUCKET}/v?.json`));
    expect(allowed(p, "s3:GetObject", `${BUCKET}/v1.json`)).toBe(true);
    expect(allowed(p, "s3:GetObject", `${BUCKET}/v10.json`)).toBe(false);
  });

  test("actions are case-insensitive", () => {
    expect(allowed(doc(allow("S3:getobject", "*")), "s3:GetObject", `${BUCKET}/a`)).toBe(true);
  });

  test("resources are case-sensitive", () => {
    expect(allowed(doc(allow("s3:GetObject", `${BUCKET}/App/*`)), "s3:GetObject", `${BUCKET}/app/x`)).toBe(false);
  });

  test("resource wildcard spans `/` and matches only under the prefix", () => {
    const p = doc(allow("s3:GetObject", `${BUCKET}/app/dev/user-api/*`));
    expect(allowed(p, "s3:GetObject", `${BUCKET}/app/dev/user-api/gray/terraform.tfstate`)).toBe(true);
    expect(allowed(p, "s3:GetObject", `${BUCKET}/app/dev/user-apix`)).toBe(false);
  });

  test("regex metacharacters in patterns are literal", () => {
    const p = doc(allow("s3:GetObject", `${BUCKET}/a.b(c)+`));
    expect(allowed(p, "s3:GetObject", `${BUCKET}/a.b(c)+`)).toBe(true);
    expect(allowed(p, "s3:GetObject", `${BUCKET}/aXb(c)+`)).toBe(false);
  });

  test("NotAction allows everything except the listed actions", () => {
    const p = doc({ Effect: "Allow", NotAction: "s3:Delete*", Resource: "*" });
    expect(allowed(p, "s3:GetObject", `${BUCKET}/a`)).toBe(true);
    expect(evaluate(p, { action: "s3:DeleteObject", resource: `${BUCKET}/a` })).toBe("ImplicitDeny");
  });

  test("NotResource applies to every resource except the listed ones", () => {
    const p = doc({ Effect: "Deny", Action: "s3:*", NotResource: [BUCKET, `${BUCKET}/*`] }, allow("s3:*", "*"));
    expect(evaluate(p, { action: "s3:GetObject", resource: `${BUCKET}/a` })).toBe("Allow");
    expect(evaluate(p, { action: "s3:GetObject", resource: "arn:aws:s3:::other/a" })).toBe("ExplicitDeny");
  });
});

describe("decision", () => {
  test("explicit deny beats allow, across policies", () => {
    const policies = [...doc(allow("s3:*", "*")), ...doc({ Effect: "Deny", Action: "s3:DeleteObject", Resource: `${BUCKET}/*` })];
    expect(evaluate(policies, { action: "s3:DeleteObject", resource: `${BUCKET}/a` })).toBe("ExplicitDeny");
    expect(allowed(policies, "s3:DeleteObject", `${BUCKET}/a`)).toBe(false);
  });

  test("nothing matching is an implicit deny", () => {
    expect(evaluate(doc(allow("s3:GetObject", `${BUCKET}/*`)), { action: "s3:GetObject", resource: "arn:aws:s3:::x/a" })).toBe(
      "ImplicitDeny",
    );
    expect(evaluate([], { action: "s3:GetObject", resource: "*" })).toBe("ImplicitDeny");
  });

  test("a single (non-array) Statement is accepted", () => {
    expect(allowed([{ Statement: allow("s3:GetObject", "*") }], "s3:GetObject", `${BUCKET}/a`)).toBe(true);
  });
});

describe("conditions", () => {
  test("StringEquals: values are ORed, comparison is case-sensitive", () => {
    const p = listIf({ StringEquals: { "s3:prefix": ["a/", "b/"] } });
    expect(list(p, { "s3:prefix": "b/" })).toBe("Allow");
    expect(list(p, { "s3:prefix": "A/" })).toBe("ImplicitDeny");
  });

  test("StringNotEquals matches values outside the list", () => {
    const p = listIf({ StringNotEquals: { "s3:prefix": ["a/", "b/"] } });
    expect(list(p, { "s3:prefix": "c/" })).toBe("Allow");
    expect(list(p, { "s3:prefix": "a/" })).toBe("ImplicitDeny");
  });

  test("StringLike on s3:prefix scopes ListBucket to a folder", () => {
    const p = listIf({ StringLike: { "s3:prefix": ["app/dev/user-api/*"] } });
    expect(list(p, { "s3:prefix": "app/dev/user-api/gray/" })).toBe("Allow");
    expect(list(p, { "s3:prefix": "infra/dev/" })).toBe("ImplicitDeny");
  });

  test("StringNotLike rejects values matching the pattern", () => {
    const p = listIf({ StringNotLike: { "s3:prefix": "infra/*" } });
    expect(list(p, { "s3:prefix": "app/" })).toBe("Allow");
    expect(list(p, { "s3:prefix": "infra/dev/" })).toBe("ImplicitDeny");
  });

  test("ArnLike matches ARN wildcards per component", () => {
    const p = listIf({ ArnLike: { "aws:SourceArn": "arn:aws:ecs:*:123456789012:service/*" } });
    expect(list(p, { "aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:service/c/s" })).toBe("Allow");
    expect(list(p, { "aws:SourceArn": "arn:aws:ecs:eu-west-1:999999999999:service/c/s" })).toBe("ImplicitDeny");
  });

  test("ArnLike `*` does not cross a `:` before the resource part", () => {
    const p = listIf({ ArnLike: { "aws:SourceArn": "arn:aws:ecs:*:service/*" } });
    expect(list(p, { "aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:service/c" })).toBe("ImplicitDeny");
  });

  test("ArnEquals matches the exact ARN", () => {
    const arn = "arn:aws:iam::123456789012:role/deployer";
    const p = listIf({ ArnEquals: { "aws:PrincipalArn": arn } });
    expect(list(p, { "aws:PrincipalArn": arn })).toBe("Allow");
    expect(list(p, { "aws:PrincipalArn": `${arn}-2` })).toBe("ImplicitDeny");
  });

  test("ArnNotLike matches ARNs outside the pattern", () => {
    const p = listIf({ ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/admin-*" } });
    expect(list(p, { "aws:PrincipalArn": "arn:aws:iam::1:role/deployer" })).toBe("Allow");
    expect(list(p, { "aws:PrincipalArn": "arn:aws:iam::1:role/admin-x" })).toBe("ImplicitDeny");
  });

  test("Bool denies non-TLS requests (the state bucket's tls-only statement)", () => {
    const p = doc(allow("s3:*", "*"), { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(list(p, { "aws:SecureTransport": "false" })).toBe("ExplicitDeny");
    expect(list(p, { "aws:SecureTransport": "true" })).toBe("Allow");
  });

  test("Bool accepts a JSON boolean policy value", () => {
    const p = listIf({ Bool: { "aws:MultiFactorAuthPresent": true } });
    expect(list(p, { "aws:MultiFactorAuthPresent": "true" })).toBe("Allow");
    expect(list(p, { "aws:MultiFactorAuthPresent": "false" })).toBe("ImplicitDeny");
  });

  test("Null tests whether the key is present", () => {
    expect(list(listIf({ Null: { "aws:TokenIssueTime": "true" } }))).toBe("Allow");
    expect(list(listIf({ Null: { "aws:TokenIssueTime": "true" } }), { "aws:TokenIssueTime": "t" })).toBe("ImplicitDeny");
    expect(list(listIf({ Null: { "aws:TokenIssueTime": "false" } }), { "aws:TokenIssueTime": "t" })).toBe("Allow");
    expect(list(listIf({ Null: { "aws:TokenIssueTime": "false" } }))).toBe("ImplicitDeny");
  });

  test("condition keys are case-insensitive", () => {
    expect(list(listIf({ StringEquals: { "S3:Prefix": "a/" } }), { "s3:prefix": "a/" })).toBe("Allow");
  });

  test("keys and operators are ANDed", () => {
    const p = listIf({ StringEquals: { "aws:RequestedRegion": "eu-west-1", "s3:delimiter": "/" }, StringLike: { "s3:prefix": "app/*" } });
    const ok = { "aws:RequestedRegion": "eu-west-1", "s3:delimiter": "/", "s3:prefix": "app/x" };
    expect(list(p, ok)).toBe("Allow");
    expect(list(p, { ...ok, "s3:delimiter": "," })).toBe("ImplicitDeny");
    expect(list(p, { ...ok, "s3:prefix": "boot/x" })).toBe("ImplicitDeny");
  });

  test("missing key: positive operators do not match", () => {
    expect(list(listIf({ StringLike: { "s3:prefix": "*" } }))).toBe("ImplicitDeny");
    expect(list(listIf({ Bool: { "aws:SecureTransport": "true" } }))).toBe("ImplicitDeny");
  });

  test("missing key: negated operators match", () => {
    expect(list(listIf({ StringNotEquals: { "s3:prefix": "a/" } }))).toBe("Allow");
    expect(list(listIf({ StringNotLike: { "s3:prefix": "a/*" } }))).toBe("Allow");
    expect(list(listIf({ ArnNotLike: { "aws:SourceArn": "arn:*" } }))).toBe("Allow");
  });

  test("IfExists matches a missing key but still checks a present one", () => {
    const p = listIf({ StringLikeIfExists: { "s3:prefix": "app/*" } });
    expect(list(p)).toBe("Allow");
    expect(list(p, { "s3:prefix": "app/x" })).toBe("Allow");
    expect(list(p, { "s3:prefix": "infra/x" })).toBe("ImplicitDeny");
  });

  test("ForAnyValue matches when any context value matches; false when the key is missing", () => {
    const p = listIf({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "lane"] } });
    expect(list(p, { "aws:TagKeys": ["owner", "lane"] })).toBe("Allow");
    expect(list(p, { "aws:TagKeys": ["owner"] })).toBe("ImplicitDeny");
    expect(list(p)).toBe("ImplicitDeny");
    expect(list(p, { "aws:TagKeys": [] })).toBe("ImplicitDeny");
  });

  test("ForAllValues needs every context value to match; true when the key is missing", () => {
    const p = listIf({ "ForAllValues:StringLike": { "aws:TagKeys": ["env", "lane*"] } });
    expect(list(p, { "aws:TagKeys": ["env", "lane-id"] })).toBe("Allow");
    expect(list(p, { "aws:TagKeys": ["env", "owner"] })).toBe("ImplicitDeny");
    expect(list(p)).toBe("Allow");
  });

  test("an unknown operator throws instead of allowing", () => {
    expect(() => list(listIf({ NumericLessThan: { "s3:max-keys": "10" } }), { "s3:max-keys": "5" })).toThrow(/unsupported condition operator "NumericLessThan"/);
  });

  test("Null with a set prefix or IfExists is rejected", () => {
    expect(() => list(listIf({ "ForAnyValue:Null": { k: "true" } }))).toThrow(/unsupported condition operator "ForAnyValue:Null"/);
    expect(() => list(listIf({ NullIfExists: { k: "true" } }))).toThrow(/unsupported/);
  });

  test("an unknown operator throws even in a statement that does not apply", () => {
    const p = doc(allow("s3:*", "*"), { Effect: "Deny", Action: "ec2:*", Resource: "*", Condition: { StringEqualz: { k: "v" } } });
    expect(() => list(p)).toThrow(/StringEqualz/);
  });

  test("policy variables throw instead of being matched literally", () => {
    expect(() => allowed(doc(allow("s3:GetObject", `${BUCKET}/\${aws:username}/*`)), "s3:GetObject", `${BUCKET}/a/b`)).toThrow(/policy variables/);
  });
});

describe("parsePolicyJson", () => {
  test("round-trips a valid policy", () => {
    const text = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { Bool: { "aws:SecureTransport": true } } } });
    const p = parsePolicyJson(text);
    expect(allowed([p], "s3:GetObject", `${BUCKET}/a`, { "aws:SecureTransport": "true" })).toBe(true);
  });

  test.each([
    ["not JSON", "{", /not valid JSON/],
    ["not an object", "[]", /\(root\): expected an object/],
    ["no statements", '{"Statement":[]}', /Statement: expected/],
    ["bad Effect", '{"Statement":{"Effect":"allow","Action":"*","Resource":"*"}}', /Statement\[0\]\.Effect/],
    ["Action and NotAction", '{"Statement":{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}}', /exactly one of Action/],
    ["no Resource", '{"Statement":{"Effect":"Allow","Action":"*"}}', /exactly one of Resource/],
    ["empty Action list", '{"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}', /Statement\[0\]\.Action/],
    ["typo'd element", '{"Statement":{"Effect":"Allow","Action":"*","Resources":"*"}}', /Statement\[0\]\.Resources: unknown element/],
    ["unknown operator", '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Foo":{"k":"v"}}}}', /unsupported condition operator "Foo"/],
    ["numeric condition value", '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":1}}}}', /Condition\.StringEquals\.k/],
  ])("rejects %s", (_name, text, error) => {
    expect(() => parsePolicyJson(text)).toThrow(error);
  });
});

describe("Terraform state least privilege", () => {
  const policies = doc(
    { Sid: "State", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${BUCKET}/app/dev/user-api/*` },
    { Sid: "Lock", Effect: "Allow", Action: "s3:DeleteObject", Resource: `${BUCKET}/app/dev/user-api/*.tflock` },
    { Sid: "Lower", Effect: "Deny", Action: "s3:PutObject", Resource: [`${BUCKET}/infra/*`, `${BUCKET}/boot/*`] },
  );

  test.each([
    ["s3:PutObject", "app/dev/user-api/gray/terraform.tfstate", "Allow"],
    ["s3:GetObject", "app/dev/user-api/gray/terraform.tfstate", "Allow"],
    ["s3:DeleteObject", "app/dev/user-api/gray/terraform.tfstate.tflock", "Allow"],
    ["s3:DeleteObject", "app/dev/user-api/gray/terraform.tfstate", "ImplicitDeny"],
    ["s3:PutObject", "boot/dev/user-api/terraform.tfstate", "ExplicitDeny"],
    ["s3:PutObject", "infra/dev/terraform.tfstate", "ExplicitDeny"],
    ["s3:GetObject", "boot/dev/user-api/terraform.tfstate", "ImplicitDeny"],
    ["s3:PutObject", "app/dev/other/gray/terraform.tfstate", "ImplicitDeny"],
    ["s3:PutObject", "app/prod/user-api/gray/terraform.tfstate", "ImplicitDeny"],
  ] as const)("%s %s -> %s", (action, key, decision) => {
    expect(evaluate(policies, { action, resource: `${BUCKET}/${key}` })).toBe(decision);
  });
});
