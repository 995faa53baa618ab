/**
 * A CLI that behaves like one: every known failure is one line and its exit code. AWS failures
 * are produced by the real SDK clients against local endpoints (a closed port, a server that
 * answers 403, no credentials at all) in a CLI process; `--image` and IMAGE_URI are checked as
 * image references before anything runs. `lanes logs` reads recorded CloudWatch Logs answers.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { describeAwsError } from "../lib/cli/aws-errors";
import { EXIT } from "../lib/cli/exit-codes";
import { run } from "../lib/cli/lanes";
import { imageReferenceProblem, resolveImage } from "../lib/image";
import { TS_NODE_ARGS } from "../lib/process";
import { lanesCli, runAsync } from "./helpers/harness";
import { TempParams } from "./helpers/project";

/** The CLI's environment with nothing of the caller's AWS setup, and no instance metadata lookups. */
function isolatedEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("AWS_") || k.startsWith("LANES_")) delete env[k];
  const dir = mkdtempSync(join(tmpdir(), "lanes-aws-"));
  writeFileSync(join(dir, "empty"), "");
  return {
    ...env,
    AWS_CONFIG_FILE: join(dir, "empty"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "empty"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_MAX_ATTEMPTS: "1",
    ...extra,
  };
}

/** What the CLI wrote to stderr (runAsync appends the child's error message after it). */
const stderrOf = (ran: { stderr: string }) => ran.stderr.split("Command failed:")[0]!.trim();

describe("AWS failures: one line and an exit code per class (CLI process, real SDK clients)", () => {
  let denying: Server;
  let denyingUrl: string;

  beforeAll(async () => {
    // S3 as it answers a caller without permission: 403, code AccessDenied, "Access Denied" and no action.
    denying = createServer((_req, res) => {
      res.statusCode = 403;
      res.setHeader("content-type", "application/xml");
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId></Error>');
    });
    await new Promise<void>((resolve) => denying.listen(0, "127.0.0.1", () => resolve()));
    denyingUrl = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => denying.close(() => resolve())));

  const credentials = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };

  test("no credentials: how to provide them, exit 12, no stack trace", async () => {
    const ran = await lanesCli(["status", "user-api", "--env", "dev"], isolatedEnv({ LANES_STATE_S3_ENDPOINT: denyingUrl }));
    expect(ran.code).toBe(EXIT.noCredentials.code);
    const lines = stderrOf(ran).split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lanes: no AWS credentials found \(s3:ListBucket on arn:aws:s3:::lanes-example-tfstate-dev\)\. Provide them: AWS_PROFILE=<profile>/);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  test("an endpoint that cannot be reached: which one, exit 13", async () => {
    const ran = await lanesCli(["status", "user-api", "--env", "dev"], isolatedEnv({ ...credentials, LANES_STATE_S3_ENDPOINT: "http://127.0.0.1:9" }));
    expect(ran.code).toBe(EXIT.unreachable.code);
    expect(stderrOf(ran)).toMatch(/^lanes: could not reach the AWS endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\) \(s3:ListBucket on arn:aws:s3:::lanes-example-tfstate-dev\)\. Check the network/);
    expect(stderrOf(ran).split("\n")).toHaveLength(1);
  });

  test("access denied: the action and the resource, exit 14; --debug adds the stack trace", async () => {
    const ran = await lanesCli(["status", "user-api", "--env", "dev"], isolatedEnv({ ...credentials, LANES_STATE_S3_ENDPOINT: denyingUrl }));
    expect(ran.code).toBe(EXIT.accessDenied.code);
    expect(stderrOf(ran)).toBe(
      "lanes: AWS denied s3:ListBucket on arn:aws:s3:::lanes-example-tfstate-dev (AccessDenied: Access Denied). The credentials in use lack this permission: use a role that has it, or ask for it to be granted.",
    );
    const debug = await lanesCli(["status", "user-api", "--env", "dev", "--debug"], isolatedEnv({ ...credentials, LANES_STATE_S3_ENDPOINT: denyingUrl }));
    expect(debug.code).toBe(EXIT.accessDenied.code);
    expect(stderrOf(debug)).toMatch(/\n\s+at /);
  });

  test("IAM's own wording names the action and resource (ECS, ELB, CloudWatch…)", () => {
    const err = Object.assign(
      new Error(
        "User: arn:aws:sts::123456789012:assumed-role/user-api-dev-codebuild/AWSCodeBuild is not authorized to perform: ecs:DescribeServices on resource: arn:aws:ecs:ap-southeast-2:123456789012:service/dev-cluster/user-api-dev-gray because no identity-based policy allows the ecs:DescribeServices action",
      ),
      { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } },
    );
    expect(describeAwsError(err)).toEqual({
      exit: "accessDenied",
      message: expect.stringMatching(/^AWS denied ecs:DescribeServices on arn:aws:ecs:ap-southeast-2:123456789012:service\/dev-cluster\/user-api-dev-gray \(AccessDeniedException: /),
    });
  });

  test("expired credentials are a credentials failure; an unknown AWS error stays unexpected", () => {
    expect(describeAwsError(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException" }))?.exit).toBe("noCredentials");
    expect(describeAwsError(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))).toBeUndefined();
  });
});

describe("image references", () => {
  test.each([
    "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1a2b3c4",
    "public.ecr.aws/nginx/nginx:stable-alpine",
    `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api@sha256:${"a".repeat(64)}`,
    `registry.example.com:5000/team/app:1.2.3@sha256:${"b".repeat(64)}`,
    "nginx",
  ])("%s is one", (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
  });

  test.each(["not an image", "Dev/User-API:latest", "x/y:", "x/y@sha256:123", " x/y:1", "x/y:tag with space"])("%p is not one", (image) => {
    expect(imageReferenceProblem(image)).toBeDefined();
  });

  test("a bad --image is exit 2 with the form, before anything is read or deployed", async () => {
    for (const argv of [
      ["deploy", "gray", "--service", "user-api", "--env", "dev", "--image", "not an image"],
      ["canary", "--service", "order-worker", "--env", "dev", "--image", "not an image"],
    ]) {
      const out = await run(argv, { ...process.env }, { progress: () => undefined });
      expect([out.code, out.text]).toEqual([2, "--image='not an image' is not an image reference (invalid reference format). Allowed: registry/repository[:tag][@digest], e.g. 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1a2b3c4."]);
    }
  });

  test("IMAGE_URI='not an image' stops synth with the variable named", async () => {
    expect(() => resolveImage("not an image", undefined)).toThrow(/^IMAGE_URI='not an image' is not an image reference/);
    const ran = await runAsync(process.execPath, [...TS_NODE_ARGS, "main.ts"], {
      env: { ...process.env, ENV: "dev", SERVICE: "user-api", LANE: "gray", IMAGE_URI: "not an image", CDKTF_OUTDIR: mkdtempSync(join(tmpdir(), "lanes-synth-")) },
    });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain("IMAGE_URI='not an image' is not an image reference");
  });

  test("an image in params is checked when params load", () => {
    const params = new TempParams();
    try {
      const file = params.read("user-api-dev.json");
      params.write("user-api-dev.json", { ...file, image: "Not/An Image" });
      expect(() => params.repo().service("user-api", "dev")).toThrow(/user-api-dev\.json: field 'image' has bad value "Not\/An Image"\. Allowed: an image reference: registry\/repository\[:tag\]\[@digest\]/);
    } finally {
      params.cleanup();
    }
  });
});

describe("lanes logs (recorded CloudWatch Logs answers)", () => {
  const logs = mockClient(CloudWatchLogsClient);
  const T0 = Date.parse("2026-11-22T01:00:00.000Z");
  afterEach(() => logs.reset());
  afterAll(() => logs.restore());

  const runLogs = (argv: string[], extra: { signal?: AbortSignal; sleep?: () => Promise<void> } = {}) => {
    const printed: string[] = [];
    const result = run(argv, { ...process.env }, {
      progress: () => undefined,
      output: (line) => printed.push(line),
      clock: { now: () => T0 + 30 * 60_000, sleep: extra.sleep ?? (async () => undefined) },
      ...(extra.signal ? { signal: extra.signal } : {}),
    });
    return { printed, result };
  };

  test("reads the lane's streams ({lane}/ prefix, so gray never reads gray2) since --since, every page, newest last", async () => {
    logs.on(FilterLogEventsCommand, { nextToken: undefined }).resolves({
      events: [
        { eventId: "e3", timestamp: T0 + 3000, logStreamName: "gray/user-api/b2", message: "third\n" },
        { eventId: "e1", timestamp: T0 + 1000, logStreamName: "gray/user-api/a1", message: "first" },
      ],
      nextToken: "p2",
    });
    logs.on(FilterLogEventsCommand, { nextToken: "p2" }).resolves({ events: [{ eventId: "e2", timestamp: T0 + 2000, logStreamName: "gray/user-api/a1", message: "second" }] });
    const { printed, result } = runLogs(["logs", "gray", "--service", "user-api", "--env", "dev", "--since", "1h"]);
    expect((await result).code).toBe(0);
    expect(printed).toEqual([
      "2026-11-22T01:00:01.000Z gray/user-api/a1 first",
      "2026-11-22T01:00:02.000Z gray/user-api/a1 second",
      "2026-11-22T01:00:03.000Z gray/user-api/b2 third",
    ]);
    const input = logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ logGroupName: "/ecs/dev/user-api", logStreamNamePrefix: "gray/", startTime: T0 + 30 * 60_000 - 3_600_000 });
  });

  test("--follow keeps polling from the last event and prints each event once, until stopped", async () => {
    const stop = new AbortController();
    let polls = 0;
    logs.on(FilterLogEventsCommand).callsFake(() => {
      polls += 1;
      if (polls === 1) return { events: [{ eventId: "e1", timestamp: T0 + 1000, logStreamName: "gray/user-api/a1", message: "one" }] };
      if (polls === 2) return { events: [{ eventId: "e1", timestamp: T0 + 1000, logStreamName: "gray/user-api/a1", message: "one" }, { eventId: "e2", timestamp: T0 + 5000, logStreamName: "gray/user-api/a1", message: "two" }] };
      stop.abort();
      return { events: [] };
    });
    const { printed, result } = runLogs(["logs", "gray", "--service", "user-api", "--env", "dev", "--follow"], { signal: stop.signal });
    expect((await result).code).toBe(0);
    expect(printed).toEqual(["2026-11-22T01:00:01.000Z gray/user-api/a1 one", "2026-11-22T01:00:05.000Z gray/user-api/a1 two"]);
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime)).toEqual([T0 + 20 * 60_000, T0 + 1000, T0 + 5000]);
  });

  test("a bad --since or lane is exit 2", async () => {
    expect((await runLogs(["logs", "gray", "--service", "user-api", "--env", "dev", "--since", "yesterday"]).result).code).toBe(2);
    expect((await runLogs(["logs", "Gray_1", "--service", "user-api", "--env", "dev"]).result).code).toBe(2);
  });
});
