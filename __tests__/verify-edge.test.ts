/**
 * The pipeline's verify step for a service behind the edge: its ALB answers CloudFront only, so
 * the probe goes through the edge with a tester token minted for the lane. State and the edge's
 * rules table are real (local S3 and DynamoDB); ECS health and the HTTP request to CloudFront are
 * the cloud edge and are stood in for. The token is checked with the edge's own function.
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { join } from "node:path";
import { laneProbe, verifyRun, type VerifyDeps } from "../lib/ci/verify";
import type { S3Client } from "@aws-sdk/client-s3";
import { CiInputError, type CiInputs } from "../lib/ci/inputs";
import { cloudfrontCrypto, cloudfrontModule, loadCloudFrontFunction, memoryKvs, type CfRequest } from "../lib/edge/function-runtime";
import { publishState } from "../lib/harness/fake-state";
import { createRulesTable, startLocalState, type LocalState } from "../lib/harness/local-state";
import type { ParamsRepository } from "../lib/params/load";
import { stateKey } from "../lib/state";
import { TempParams, exampleFile, exampleParams } from "./helpers/project";

const keysModule = require("../edge/keys.js") as typeof import("../edge/keys");

const DOMAIN = "d111111abcdef8.cloudfront.net";
const ALB = "user-api-dev-alb-1.ap-southeast-2.elb.amazonaws.com";
const RULES = { version: 5, lanes: ["default", "gray"], testerHeader: "x-lane", changed: { default: 5, gray: 5 } };
const KEYS = keysModule.rotateEdgeKeys({}, new Date(), 7).keys;

describe("verify through the edge", () => {
  let harness: LocalState;
  let probes: { url: string; headers: Record<string, string>; insecure: boolean }[];

  beforeAll(async () => {
    const state = exampleParams().infra("dev").state;
    harness = await startLocalState({ bucket: state.bucket, lockTable: state.lockTable, region: state.region });
    for (const lane of ["gray", "default"]) {
      await publishState(harness.s3, state.bucket, stateKey({ layer: "app", env: "dev", service: "user-api", lane }), {
        ecs_service_name: `user-api-dev-${lane}`,
        cluster_name: "dev-cluster",
        target_group_arn: `arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-${lane}-tg/abc`,
        alb_dns_name: ALB,
      });
    }
    await publishState(harness.s3, state.bucket, stateKey({ layer: "edge", env: "dev" }), { distribution_domain_name: DOMAIN });
    const listener = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:listener/app/user-api-dev-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
    await publishState(harness.s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), {
      listener_arn: listener,
      call_listener_arn: listener,
      default_target_group_arn: "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-default-tg/abc",
    });
    // No rule has fallen back here (the restore is verify-decisions.test.ts's).
    mockClient(ElasticLoadBalancingV2Client).on(DescribeRulesCommand).resolves({ Rules: [] });
    await createRulesTable(harness.dynamodb, "lanes-edge-dev-rules");
    await harness.dynamodb.send(new PutItemCommand({ TableName: "lanes-edge-dev-rules", Item: { id: { S: "active" }, rules: { S: JSON.stringify(RULES) } } }));
    await harness.dynamodb.send(new PutItemCommand({ TableName: "lanes-edge-dev-rules", Item: { id: { S: "keys" }, keys: { S: JSON.stringify(KEYS) } } }));
  });
  afterAll(async () => harness.stop());
  beforeEach(() => (probes = []));

  const deps = (params: ParamsRepository): VerifyDeps => ({
    params,
    clients: { s3: harness.s3, dynamodb: harness.dynamodb },
    cluster: { health: async () => ({ desired: 1, running: 1, rolloutState: "COMPLETED", healthyTargets: 1 }) },
    progress: () => undefined,
    healthTimeoutMs: 1000,
    healthIntervalMs: 0,
    healthChecks: 1,
    // The lane the edge assigns answers (its task sets x-lanes-served-by).
    probe: async (url, headers, insecure) => {
      probes.push({ url, headers, insecure });
      const servedBy = await edgeLane(headers);
      return { status: 200, ...(servedBy ? { servedBy } : {}) };
    },
    probeAttempts: 1,
    probeIntervalMs: 0,
    sleep: async () => undefined,
    edgeTable: harness.dynamodb,
    elb: new ElasticLoadBalancingV2Client({ region: "ap-southeast-2" }),
  });
  const inputs = (lane: string): CiInputs => ({ layer: "app", env: "dev", region: "ap-southeast-2", stack: `app-user-api-dev-${lane}`, service: "user-api", lane, action: "deploy", buildsImage: false });

  /** The lane the edge's viewer-request function gives a request with these headers. */
  async function edgeLane(headers: Record<string, string>): Promise<string | undefined> {
    const fn = loadCloudFrontFunction<CfRequest>(
      join(__dirname, "..", "edge", "viewer-request.js"),
      { cloudfront: cloudfrontModule(memoryKvs({ rules: JSON.stringify(RULES), keys: keysModule.serializeKeys(KEYS) })), crypto: cloudfrontCrypto },
      { requireSigned: true },
    );
    const values = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { value: v }]));
    const out = await fn.handler({
      version: "1.0",
      context: { distributionDomainName: DOMAIN, distributionId: "E1", eventType: "viewer-request", requestId: "r" },
      viewer: { ip: "198.51.100.1" },
      request: { method: "GET", uri: "/healthz", querystring: {}, headers: values, cookies: {} },
    });
    return out.headers["x-lanes-lane"]?.value;
  }

  test("a lane is probed at the edge's domain with a tester token the edge gives that lane; the token is not shown", async () => {
    const text = await verifyRun(inputs("gray"), deps(exampleParams()));
    expect(probes).toHaveLength(1);
    expect(probes[0]!.url).toBe(`https://${DOMAIN}/healthz`);
    expect(probes[0]!.insecure).toBe(false);
    expect(Object.keys(probes[0]!.headers)).toEqual(["x-lane"]);
    expect(await edgeLane(probes[0]!.headers)).toBe("gray");
    expect(text).toContain("x-lane: <token>");
    expect(text).not.toContain(probes[0]!.headers["x-lane"]);
  });

  test("default is probed at the edge without a token", async () => {
    await verifyRun({ ...inputs("default") }, deps(exampleParams()));
    expect(probes.map((p) => [p.url, p.headers])).toEqual([[`https://${DOMAIN}/healthz`, {}]]);
    expect(await edgeLane(probes[0]!.headers)).toBe("default");
  });

  test("an alias of the distribution is used when edge-{env}.json has one, and probePath when given", async () => {
    const params = new TempParams({
      "edge-dev.json": exampleFile("edge-dev.json", (j) => {
        j.aliases = ["app.example.com"];
        j.certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0b8e7a2c-1111-2222-3333-444455556666";
        j.origins = [{ service: "user-api", pathPatterns: ["/api/users/*"], probePath: "/api/users/healthz" }];
      }),
    });
    try {
      await verifyRun(inputs("gray"), deps(params.repo()));
      expect(probes.map((p) => p.url)).toEqual(["https://app.example.com/api/users/healthz"]);
    } finally {
      params.cleanup();
    }
  });

  test("edge rules without a tester header: a lane cannot be probed through the edge, and the error says why and what sets it", async () => {
    const { testerHeader: _, ...withoutHeader } = RULES;
    const put = (rules: object) => harness.dynamodb.send(new PutItemCommand({ TableName: "lanes-edge-dev-rules", Item: { id: { S: "active" }, rules: { S: JSON.stringify(rules) } } }));
    await put(withoutHeader);
    try {
      await expect(verifyRun(inputs("gray"), deps(exampleParams()))).rejects.toThrow(
        new CiInputError("the edge rules of dev name no testerHeader: a tester token for gray cannot be sent (lanes edge set)"),
      );
      expect(probes).toEqual([]);
    } finally {
      await put(RULES);
    }
  });

  test("another lane answering default's probe through the edge names the listener's default action and the edge's default rule", async () => {
    const wrong: VerifyDeps = { ...deps(exampleParams()), probe: async () => ({ status: 200, servedBy: "gray" }) };
    await expect(verifyRun(inputs("default"), wrong)).rejects.toThrow(
      new CiInputError(
        `lane gray answered https://${DOMAIN}/healthz with '', not lane default: the listener's default action / rule user-api-dev-default-rule did not route the request to app-user-api-dev-default's target group (arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/user-api-dev-default-tg/abc); check the rule's conditions (lanes status default --service user-api --env dev)`,
      ),
    );
  });

  test("a service behind the edge with no path the edge routes to it: target health only, and it says so", async () => {
    const params = new TempParams({
      "edge-dev.json": exampleFile("edge-dev.json", (j) => {
        j.origins = [{ service: "billing", pathPatterns: [] }, { service: "user-api", pathPatterns: ["/api/users/*"] }];
        j.defaultService = "billing";
      }),
    });
    try {
      const text = await verifyRun(inputs("gray"), deps(params.repo()));
      expect(probes).toEqual([]);
      expect(text).toContain("edge-dev.json names no probePath for it: its target health was checked, no request was sent");
    } finally {
      params.cleanup();
    }
  });

  describe("the edge's domain from edge-dev's state", () => {
    const NO_STATE = new CiInputError("user-api is behind edge-dev, which has no state: deploy it (edge-dev) before verifying through it");
    /** S3 at the SDK edge answering edge-dev's state read as given. */
    const s3 = (answer: () => unknown): S3Client => ({ send: async () => answer() }) as unknown as S3Client;
    const body = (state: unknown) => () => ({ Body: { transformToString: async () => JSON.stringify(state) } });
    const withS3 = (client: S3Client): VerifyDeps => ({ ...deps(exampleParams()), clients: { s3: client, dynamodb: harness.dynamodb } });

    test.each<[string, () => unknown]>([
      ["no object (NoSuchKey, as the SDK names it)", () => Promise.reject(Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" }))],
      ["no object (a bare 404, as some S3-compatible stores answer)", () => Promise.reject(Object.assign(new Error("Not Found"), { name: "NotFound", $metadata: { httpStatusCode: 404 } }))],
      ["an answer without a body", () => ({})],
      ["a state without outputs", body({ version: 4 })],
      ["a state whose outputs lack the domain", body({ version: 4, outputs: { other: { value: "x" } } })],
      ["an empty domain", body({ version: 4, outputs: { distribution_domain_name: { value: "" } } })],
      ["a domain that is not a string", body({ version: 4, outputs: { distribution_domain_name: { value: 42 } } })],
    ])("%s: the edge has no state, and verify says to deploy it", async (_, answer) => {
      await expect(laneProbe(withS3(s3(answer)), "user-api", "dev", "gray", ALB)).rejects.toThrow(NO_STATE);
    });

    test("any other error reading the state is not taken for a missing edge: it is thrown as it came", async () => {
      const denied = Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
      await expect(laneProbe(withS3(s3(() => Promise.reject(denied))), "user-api", "dev", "default", ALB)).rejects.toBe(denied);
    });

    test("the domain in the state is the probe's host", async () => {
      const probe = await laneProbe(withS3(s3(body({ outputs: { distribution_domain_name: { value: "d2.cloudfront.net" } } }))), "user-api", "dev", "default", ALB);
      expect(probe).toEqual({ url: "https://d2.cloudfront.net/healthz", headers: {}, insecure: false, secretHeaders: [] });
    });
  });

  test("a lane's probe through the edge without the edge's rules table is an error (no token can be minted); default needs none", async () => {
    const noTable: VerifyDeps = { ...deps(exampleParams()), edgeTable: undefined };
    await expect(laneProbe(noTable, "user-api", "dev", "gray", ALB)).rejects.toThrow(new CiInputError("verifying lane gray through edge-dev needs the edge's rules table to mint a tester token"));
    expect(await laneProbe(noTable, "user-api", "dev", "default", ALB)).toEqual({ url: `https://${DOMAIN}/healthz`, headers: {}, insecure: false, secretHeaders: [] });
  });

  test("the service's own origin decides the path, not another origin's probePath; the default service falls back to its health check path", async () => {
    const params = new TempParams({
      "edge-dev.json": exampleFile("edge-dev.json", (j) => {
        j.origins = [{ service: "billing", pathPatterns: ["/billing/*"], probePath: "/billing/healthz" }, { service: "user-api", pathPatterns: ["/api/users/*"] }];
        j.defaultService = "user-api";
      }),
    });
    try {
      const probe = await laneProbe(deps(params.repo()), "user-api", "dev", "default", ALB);
      expect(probe).toEqual({ url: `https://${DOMAIN}/healthz`, headers: {}, insecure: false, secretHeaders: [] });
    } finally {
      params.cleanup();
    }
  });
});
