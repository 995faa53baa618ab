/**
 * An origin only the edge can reach, and the audit trail (issue #17, points 3 and 4), as
 * synthesized: the ALB of a service behind the edge admits CloudFront's origin-facing prefix list
 * only, every way in (each lane rule, the default lane's rule) requires the origin secret header
 * within ALB's rule budget, the secret rotates without a moment where CloudFront's requests are
 * refused, and the env's log bucket takes ALB access logs and VPC flow logs from exactly their
 * AWS principals. Values an ALB compares are checked with the ALB's own matching rules
 * (lib/harness/alb-match.ts, written from the ALB documentation); expected principals and limits are AWS's documented ones.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { EdgeStack } from "../stacks/edge-stack";
import { TempParams, exampleFile, synth, type Json, type Synthesized } from "./helpers/project";
import { albValueMatches } from "../lib/harness/alb-match";
import { synthBoot, synthInfra, synthLane } from "./helpers/stacks";

/** AWS: per listener rule, 5 condition values and 5 wildcards; a header value at most 128 characters. */
const ALB_MAX_VALUES = 5;
const ALB_MAX_WILDCARDS = 5;
const ALB_MAX_VALUE_LENGTH = 128;
/** The longest lane name: `*,ctx=lane:{lane},*` must fit 128 characters. */
const LONGEST_LANE = "l".repeat(115);

interface HeaderCondition {
  readonly name: string;
  readonly values: readonly string[];
}

function conditions(rule: Json): HeaderCondition[] {
  return (rule.condition as Json[]).map((c) => {
    const h = c.http_header as Json;
    return { name: h.http_header_name as string, values: h.values as string[] };
  });
}

/** `${data.terraform_remote_state.X.outputs.origin_secrets["g"]}` → g, else undefined. */
function secretGeneration(value: string): string | undefined {
  return /^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.origin_secrets\["(\d+)"\]\}$/.exec(value)?.[1];
}

/** Infra's origin secrets as their deploy left them (generation → value); a missing one fails like Terraform's index. */
function resolve(value: string, secrets: Readonly<Record<string, string>>): string {
  const g = secretGeneration(value);
  if (g === undefined) return value;
  const secret = secrets[g];
  if (secret === undefined) throw new Error(`The given key does not identify an element in this collection value: origin_secrets["${g}"]`);
  return secret;
}

/** Does an ALB rule whose conditions are `rule` accept a request with these headers? (Conditions ANDed, values ORed.) */
function accepts(rule: readonly HeaderCondition[], headers: Readonly<Record<string, string>>, secrets: Readonly<Record<string, string>>): boolean {
  return rule.every((c) => headers[c.name] !== undefined && c.values.some((v) => albValueMatches(resolve(v, secrets), headers[c.name]!)));
}

/** The origin headers CloudFront adds (from the edge stack), resolved against infra's secrets. */
function sentHeaders(edge: Synthesized, secrets: Readonly<Record<string, string>>): Record<string, string> {
  const origin = (edge.only("aws_cloudfront_distribution").origin as Json[])[0]!;
  return Object.fromEntries((origin.custom_header as { name: string; value: string }[]).map((h) => [h.name, resolve(h.value, secrets)]));
}

const bundleRoot = mkdtempSync(join(tmpdir(), "lanes-bundles-"));
afterAll(() => rmSync(bundleRoot, { recursive: true, force: true }));

function synthEdge(params: TempParams): Synthesized {
  const repo = params.repo();
  return synth(new EdgeStack(Testing.app(), repo.infra("dev"), repo.edge("dev"), bundleRoot));
}

/** Example params with edge-dev.json's originSecret set. */
function withOriginSecret(sent: number[], required: number): TempParams {
  return new TempParams({ "edge-dev.json": exampleFile("edge-dev.json", (j) => void (j.originSecret = { sent, required })) });
}

/** A lane's rule on the viewer listener (boot's listener_arn); the other one is on the internal listener for callers. */
function viewerRule(s: Synthesized): Json {
  const found = s.resources("aws_lb_listener_rule").filter(([, c]) => /outputs\.listener_arn\}$/.test(String(c.listener_arn)));
  expect(found).toHaveLength(1);
  return found[0]![1];
}

describe("a service behind the edge: every way into its ALB from outside requires the origin secret", () => {
  const lanes = ["gray", "blue", LONGEST_LANE];
  const rules = Object.fromEntries(lanes.map((lane) => [lane, viewerRule(synthLane(lane))]));
  const boot = synthBoot();
  const viewerListener = () => boot.resources("aws_lb_listener").find(([, c]) => c.port === 80)![1];

  test("the other way in is the internal listener for the services that call it (params calls): no ingress here, only each caller's boot admits its own tasks", () => {
    const internal = boot.resources("aws_lb_listener").filter(([, c]) => c.port !== 80);
    expect(internal.map(([, c]) => [c.port, c.protocol])).toEqual([[8081, "HTTP"]]);
    const [albSg] = boot.resources("aws_security_group").find(([, c]) => c.name === "user-api-dev-alb-sg")!;
    const intoAlb = boot.resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((c) => c.security_group_id === `\${aws_security_group.${albSg}.id}`);
    expect(intoAlb.map((c) => [c.from_port, c.prefix_list_id === undefined ? "other" : "cloudfront"])).toEqual([[80, "cloudfront"]]);
    const fromCaller = synthBoot("web-bff").resources("aws_vpc_security_group_ingress_rule").map(([, c]) => c).filter((c) => String(c.description) === "web-bff tasks calling user-api");
    expect(fromCaller.map((c) => [c.from_port, c.referenced_security_group_id !== undefined, c.cidr_ipv4])).toEqual([[8081, true, undefined]]);
  });

  test.each(lanes)("lane %s: its rule requires the lane member and the origin secret header", (lane) => {
    const c = conditions(rules[lane]!);
    expect(c.map((x) => x.name)).toEqual(["tracestate", "x-lanes-origin-1"]);
    expect(c[1]!.values).toHaveLength(1);
    expect(secretGeneration(c[1]!.values[0]!)).toBe("1");
  });

  test.each(lanes)("lane %s: condition values and wildcards within ALB's limits (5 and 5), each value at most 128 characters", (lane) => {
    const values = conditions(rules[lane]!).flatMap((c) => c.values);
    const wildcards = values.reduce((n, v) => n + (v.match(/[*?]/g) ?? []).length, 0);
    expect(values.length).toBeLessThanOrEqual(ALB_MAX_VALUES);
    expect(wildcards).toBeLessThanOrEqual(ALB_MAX_WILDCARDS);
    // The secret is a reference here; its value is a SHA-256 in hex (64 characters, no wildcard), see below.
    for (const v of values.filter((x) => secretGeneration(x) === undefined)) expect(v.length).toBeLessThanOrEqual(ALB_MAX_VALUE_LENGTH);
    expect([values.length, wildcards]).toEqual([5, 4]);
  });

  test("the listener's default action refuses; the default lane's rule requires the origin secret and comes after every lane rule", () => {
    expect(viewerListener().default_action).toEqual([expect.objectContaining({ type: "fixed-response" })]);
    const rule = boot.only("aws_lb_listener_rule");
    expect(conditions(rule).map((c) => [c.name, secretGeneration(c.values[0]!)])).toEqual([["x-lanes-origin-1", "1"]]);
    for (const lane of lanes) expect(rules[lane]!.priority as number).toBeLessThan(rule.priority as number);
  });

  test("a request straight to the ALB with a lane member but without the secret is refused by every rule; with the secret from CloudFront, its lane's rule takes it", () => {
    const secrets = { "1": "a".repeat(64) };
    const direct = { tracestate: "ctx=lane:gray" };
    for (const rule of [...Object.values(rules), boot.only("aws_lb_listener_rule")]) expect(accepts(conditions(rule), direct, secrets)).toBe(false);
    const fromEdge = { tracestate: "ctx=lane:gray", "x-lanes-origin-1": secrets["1"] };
    expect(lanes.filter((lane) => accepts(conditions(rules[lane]!), fromEdge, secrets))).toEqual(["gray"]);
    expect(accepts(conditions(boot.only("aws_lb_listener_rule")), { "x-lanes-origin-1": secrets["1"] }, secrets)).toBe(true);
  });

  test("CloudFront reaches an origin with a certificate over HTTPS only", () => {
    const params = new TempParams({
      "boot-dev.json": exampleFile("boot-dev.json", (j) => {
        (j.services as Record<string, Json>)["user-api"] = {
          listeners: { http: { port: 80 }, https: { port: 443, certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666" } },
        };
      }),
    });
    try {
      const origin = (synthEdge(params).only("aws_cloudfront_distribution").origin as Json[])[0]!;
      expect(origin.custom_origin_config).toMatchObject({ origin_protocol_policy: "https-only", https_port: 443, origin_ssl_protocols: ["TLSv1.2"] });
    } finally {
      params.cleanup();
    }
  });
});

describe("origin secret rotation, one value per rule (5 condition values: 4 for the lane member, 1 for the secret)", () => {
  // Infra's secrets per generation (their values are made by Terraform at apply; any distinct ones do here).
  const SECRETS = { "1": "1".repeat(64), "2": "2".repeat(64) };
  const phases = [
    { name: "steady", sent: [1], required: 1 },
    { name: "1: CloudFront sends both (deploy infra, then edge)", sent: [1, 2], required: 1 },
    { name: "2: the ALBs require the new one (deploy every boot and lane)", sent: [1, 2], required: 2 },
    { name: "3: CloudFront sends the new one only (deploy edge, then infra)", sent: [2], required: 2 },
  ];
  const temps: TempParams[] = [];
  afterAll(() => temps.forEach((t) => t.cleanup()));
  const at = phases.map((p) => {
    const params = withOriginSecret(p.sent, p.required);
    temps.push(params);
    return {
      ...p,
      edge: sentHeaders(synthEdge(params), SECRETS),
      rules: [synthBoot("user-api", "dev", params.repo()).only("aws_lb_listener_rule"), ...["gray", "blue"].map((lane) => viewerRule(synthLane(lane, { params: params.repo() })))].map(
        conditions,
      ),
    };
  });

  test("each phase keeps every rule within the budget: one origin secret value", () => {
    for (const phase of at) for (const rule of phase.rules) expect(rule.flatMap((c) => c.values).length).toBeLessThanOrEqual(ALB_MAX_VALUES);
  });

  test("while a phase is being deployed, stack by stack in any order, every rule accepts what CloudFront sends", () => {
    for (let i = 1; i < at.length; i++) {
      const [before, after] = [at[i - 1]!, at[i]!];
      // Either edge config may be live, and each rule may be old or new.
      for (const edge of [before.edge, after.edge]) {
        // Phase 1 deploys the edge only; phase 2 the ALBs only; phase 3 the edge only.
        const edgeChanges = JSON.stringify(before.edge) !== JSON.stringify(after.edge);
        const rulesChange = JSON.stringify(before.rules) !== JSON.stringify(after.rules);
        expect([after.name, edgeChanges && rulesChange]).toEqual([after.name, false]);
        for (let r = 0; r < before.rules.length; r++) {
          for (const rule of [before.rules[r]!, after.rules[r]!]) {
            const request = { tracestate: "ctx=lane:gray", ...edge };
            // The default lane's rule has no tracestate condition; lane rules of other lanes are not the point here.
            const own = rule.some((c) => c.name === "tracestate") ? rule.filter((c) => c.name !== "tracestate") : rule;
            expect([after.name, accepts(own, request, SECRETS)]).toEqual([after.name, true]);
          }
        }
      }
    }
  });

  test("after the rotation the old secret is refused by every rule", () => {
    const done = at[at.length - 1]!;
    const old = { tracestate: "ctx=lane:gray", "x-lanes-origin-1": SECRETS["1"] };
    for (const rule of done.rules) expect(accepts(rule, old, SECRETS)).toBe(false);
  });

  test("the ALBs may only require a generation CloudFront sends, and two generations are consecutive", () => {
    for (const [originSecret, field, message] of [
      [{ sent: [1], required: 2 }, "originSecret.required", "one of sent (1): the ALBs may only require what CloudFront sends"],
      [{ sent: [1, 3], required: 1 }, "originSecret.sent", "two consecutive generations"],
    ] as const) {
      const params = new TempParams({ "edge-dev.json": exampleFile("edge-dev.json", (j) => void (j.originSecret = originSecret)) });
      try {
        expect(() => params.repo().boot("user-api", "dev")).toThrow(new RegExp(`edge-dev\\.json: field '${field.replace(".", "\\.")}'[^]*${message.replace(/[()]/g, "\\$&")}`));
      } finally {
        params.cleanup();
      }
    }
  });
});

describe("infra: the origin secret's generations and CloudFront's prefix list", () => {
  test("one value per generation CloudFront sends, made once by Terraform (SHA-256 of two random UUIDs) and kept", () => {
    const params = withOriginSecret([1, 2], 1);
    try {
      const s = synthInfra("dev", params.repo());
      const secrets = s.resources("terraform_data").map(([, c]) => c);
      expect(secrets).toHaveLength(2);
      for (const d of secrets) expect(d).toEqual({ input: { value: '${sha256("${uuid()}${uuid()}")}' }, lifecycle: { ignore_changes: ["input"] } });
      const out = s.outputs().origin_secrets!;
      expect(out.sensitive).toBe(true);
      expect(Object.keys(out.value as Json).sort()).toEqual(["1", "2"]);
      expect(s.data("aws_ec2_managed_prefix_list").map(([, c]) => c.name)).toEqual(["com.amazonaws.global.cloudfront.origin-facing"]);
    } finally {
      params.cleanup();
    }
  });

  test("never in params or the repository: the synthesized stacks hold references to infra's state only", () => {
    for (const s of [synthInfra(), synthBoot(), synthLane("gray")]) expect(JSON.stringify(s.json)).not.toMatch(/[0-9a-f]{64}/);
  });

  test("an env without an edge has no secret and no prefix list", () => {
    const params = new TempParams({ "edge-dev.json": undefined });
    try {
      const s = synthInfra("dev", params.repo());
      expect(s.resources("terraform_data")).toEqual([]);
      expect(s.data("aws_ec2_managed_prefix_list")).toEqual([]);
      expect([s.outputs().origin_secrets!.value, s.outputs().cloudfront_prefix_list_id!.value]).toEqual([{}, ""]);
    } finally {
      params.cleanup();
    }
  });
});

describe("audit trail: the env's log bucket, ALB access logs and VPC flow logs", () => {
  const s = synthInfra();
  const policy = s.data("aws_iam_policy_document").map(([, c]) => c).find((d) => (d.statement as Json[]).some((st) => st.sid === "AlbAccessLogs"))!;
  const statements = policy.statement as Json[];
  const [bucketId] = s.resources("aws_s3_bucket")[0]!;
  const arn = `\${aws_s3_bucket.${bucketId}.arn}`;
  const [accountId] = s.data("aws_caller_identity")[0]!;
  const account = `\${data.aws_caller_identity.${accountId}.account_id}`;

  test("private, SSE-S3 (the only encryption ALB access logs take), no ACLs, public access blocked, TLS only", () => {
    expect(s.only("aws_s3_bucket")).toMatchObject({ bucket_prefix: "lanes-dev-logs-", lifecycle: { prevent_destroy: true } });
    expect(s.only("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }),
    ]);
    expect(s.only("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(s.only("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(statements.find((st) => st.sid === "DenyInsecureTransport")).toMatchObject({ effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
  });

  test("the bucket policy lets exactly the region's ELB log delivery account write, and only under its prefix", () => {
    // AWS: ap-southeast-2's Elastic Load Balancing account is 783225319266.
    const writers = statements.filter((st) => st.effect === "Allow" && (st.actions as string[]).includes("s3:PutObject"));
    const alb = writers.filter((st) => (st.resources as string[]).some((r) => r.startsWith(`${arn}/alb/`)));
    expect(alb).toEqual([
      { sid: "AlbAccessLogs", effect: "Allow", actions: ["s3:PutObject"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::783225319266:root"] }], resources: [`${arn}/alb/*/AWSLogs/${account}/*`] },
    ]);
    // Nobody else may write there; the only other writer is the flow log delivery, under its own prefix.
    expect(writers.filter((st) => st !== alb[0]).map((st) => [(st.principals as Json[])[0], st.resources])).toEqual([
      [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }, [`${arn}/vpc-flow-logs/AWSLogs/${account}/*`]],
    ]);
  });

  test("in a region opened after August 2022 the writer is ELB's log delivery service principal", () => {
    const params = new TempParams({ "infra-dev.json": exampleFile("infra-dev.json", (j) => void (j.region = "ap-southeast-4")) });
    try {
      const doc = synthInfra("dev", params.repo()).data("aws_iam_policy_document").map(([, c]) => c);
      const alb = doc.flatMap((d) => d.statement as Json[]).find((st) => st.sid === "AlbAccessLogs")!;
      expect(alb.principals).toEqual([{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }]);
    } finally {
      params.cleanup();
    }
  });

  test("flow log delivery is held to this account (aws:SourceAccount, aws:SourceArn) and full control for the bucket owner", () => {
    const write = statements.find((st) => st.sid === "FlowLogsWrite")!;
    expect(write.condition).toEqual([
      { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:logs:ap-southeast-2:${account}:*`] },
    ]);
    expect(statements.find((st) => st.sid === "FlowLogsAclCheck")).toMatchObject({ actions: ["s3:GetBucketAcl"], resources: [arn] });
  });

  test("objects expire per prefix after the params' retention (90 days by default)", () => {
    const rules = s.only("aws_s3_bucket_lifecycle_configuration").rule as Json[];
    expect(rules.map((r) => [(r.filter as Json[])[0]!.prefix, (r.expiration as Json[])[0]!.days])).toEqual([
      ["alb/", 90],
      ["vpc-flow-logs/", 90],
    ]);
  });

  test("the VPC's flow logs (all traffic) go to the bucket, once its policy is in place", () => {
    const [policyId] = s.resources("aws_s3_bucket_policy")[0]!;
    expect(s.only("aws_flow_log")).toMatchObject({
      vpc_id: expect.stringMatching(/^\$\{aws_vpc\./),
      traffic_type: "ALL",
      log_destination_type: "s3",
      log_destination: `${arn}/vpc-flow-logs/`,
      depends_on: [`aws_s3_bucket_policy.${policyId}`],
    });
    expect(s.outputs().log_bucket!.value).toBe(`\${aws_s3_bucket.${bucketId}.bucket}`);
  });

  test("an existing (wrapped) VPC gets flow logs too", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => {
        j.network = {
          mode: "wrap",
          vpcId: "vpc-0123456789abcdef0",
          privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
          publicSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        };
      }),
    });
    try {
      expect(synthInfra("dev", params.repo()).only("aws_flow_log").vpc_id).toBe("vpc-0123456789abcdef0");
    } finally {
      params.cleanup();
    }
  });

  test("both switched off in params: no bucket, no flow log, an empty log_bucket output", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => void (j.audit = { accessLogs: { enabled: false }, flowLogs: { enabled: false } })),
    });
    try {
      const off = synthInfra("dev", params.repo());
      expect([off.resources("aws_s3_bucket"), off.resources("aws_flow_log"), off.outputs().log_bucket!.value]).toEqual([[], [], ""]);
    } finally {
      params.cleanup();
    }
  });

  test("retention from params", () => {
    const params = new TempParams({
      "infra-dev.json": exampleFile("infra-dev.json", (j) => void (j.audit = { accessLogs: { retentionDays: 30 }, flowLogs: { retentionDays: 400, trafficType: "REJECT" } })),
    });
    try {
      const s2 = synthInfra("dev", params.repo());
      expect((s2.only("aws_s3_bucket_lifecycle_configuration").rule as Json[]).map((r) => (r.expiration as Json[])[0]!.days)).toEqual([30, 400]);
      expect(s2.only("aws_flow_log").traffic_type).toBe("REJECT");
    } finally {
      params.cleanup();
    }
  });
});
