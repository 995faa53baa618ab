/**
 * A service under a ramp, for the ramp tests and the README demo (`npm run ramp:demo`): the
 * lanes commands run for real against the local state harness (real S3 state and DynamoDB
 * locks), with only the cloud edge stood in for:
 * - the ALB (ELBv2 at the SDK edge, aws-sdk-client-mock): its lane rule, and the ramp rule that a
 *   lane deploy with LANES_RAMP=1 creates (priority 50000, weights as ModifyRule leaves them);
 * - CloudWatch (GetMetricData at the SDK edge): per-minute traffic of the lane's and the default
 *   target group, split by the weights the ramp rule had in each minute, as an ALB reports it;
 * - Terraform: the steps are recorded, and a deploy or destroy changes the ALB as it would;
 * - ECS health: every service healthy;
 * - time: a virtual clock that moves only when the program sleeps.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";
import {
  DescribeRulesCommand,
  DescribeTagsCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  type DescribeRulesCommandInput,
  type DescribeTagsCommandInput,
  type ModifyRuleCommandInput,
  type Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { mockClient } from "aws-sdk-client-mock";
import { join } from "node:path";
import { answer, steady, type Traffic } from "../../__tests__/analysis/helpers/cloudwatch";
import { run, type Dependencies, type Outcome } from "../cli/lanes";
import { BootOutputs, InfraOutputs, LaneOutputs } from "../contract";
import type { StackPlan } from "../layers/plan";
import { stackNameOf } from "../layers/registry";
import { laneNames } from "../naming";
import type { ClusterView } from "../ops/cluster";
import type { Release, StepRecord, Steps } from "../ops/steps";
import { ParamsRepository } from "../params/load";
import { RAMP_RULE_PRIORITY } from "../routing";
import { stateKey } from "../state";
import { publishState } from "./fake-state";
import { startLocalState, type LocalState } from "./local-state";
import { PROJECT_ROOT } from "./run";

export const REGION = "ap-southeast-2";
export const T0 = Date.UTC(2026, 10, 23, 9, 0);
const MIN = 60_000;
const REPO = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api";
export const IMAGES = { default: `${REPO}:sha-1a2b3c4`, gray: `${REPO}:sha-9f8e7d6`, blue: `${REPO}:sha-5e6f7a8` } as const;

const elb = (resource: string) => `arn:aws:elasticloadbalancing:${REGION}:123456789012:${resource}`;
const ALB_SUFFIX = "app/user-api-dev-alb/50dc6c495c0c9188";
export const LISTENER_ARN = elb(`listener/${ALB_SUFFIX}/f2f7dc8efc522ab2`);
export const DEFAULT_TG_ARN = elb("targetgroup/user-api-dev-default-tg/1f8a6e2c9b3d4e5f");
export const laneTargetGroupArn = (lane: string) => elb(`targetgroup/${laneNames("user-api", "dev", lane).targetGroup.name}/73e2d6bc24d8a067`);
const tgSuffix = (arn: string) => arn.split(":").slice(5).join(":");

export interface RampRuleState {
  readonly lane: string;
  readonly ruleArn: string;
  /** Weight by target group ARN. */
  weights: Record<string, number>;
}

export interface Scenario {
  /** Requests per minute without a lane (split by the ramp rule's weights). */
  readonly total?: number;
  /** The lane's traffic in a minute at `weight`; healthy (like default's) unless this returns something. */
  readonly lane?: (weight: number, minuteMs: number, requests: number) => Traffic | undefined;
  /** The lane's traffic whatever the weights: requests that carry its lane (lanes analyze before any ramp). */
  readonly laneOnly?: (minuteMs: number) => Traffic | undefined;
  /** Answers GetMetricData itself (e.g. a worker's log metrics) instead of the ALB traffic model. */
  readonly getMetricData?: (input: GetMetricDataCommandInput) => GetMetricDataCommandOutput;
  /** Makes the n-th GetMetricData call (1-based) fail. */
  readonly failCall?: (call: number, nowMs: number) => Error | undefined;
  /** Called whenever the program sleeps, with the virtual time after the sleep. */
  readonly onTime?: (nowMs: number) => Promise<void>;
}

/** What one command did: its outcome, its progress lines, the ALB's weight changes and the recorded steps. */
export interface Ran {
  readonly outcome: Outcome;
  readonly lines: string[];
  readonly weights: { readonly at: number; readonly percent: number; readonly stickiness: number }[];
  readonly steps: StepRecord[];
}

class RecordingSteps implements Steps {
  readonly done: StepRecord[] = [];
  constructor(
    readonly dryRun: boolean,
    private readonly world: RampWorld,
    private readonly log: (line: string) => void,
  ) {}

  async deploy(plan: StackPlan, release?: Release): Promise<void> {
    const stack = stackNameOf(plan);
    this.log(`recorded: cdktf deploy ${stack}${release ? ` (image ${release.image}${release.ramp ? ", with the ramp rule" : ""})` : ""}`);
    this.done.push({ action: "deploy", stack, ...(release ? { image: release.image } : {}), dryRun: this.dryRun });
    if (!this.dryRun && plan.layer === "app") this.world.terraformApplied(plan.lane, release?.ramp === true);
  }

  async destroy(plan: StackPlan): Promise<void> {
    const stack = stackNameOf(plan);
    this.log(`recorded: cdktf destroy ${stack}`);
    this.done.push({ action: "destroy", stack, dryRun: this.dryRun });
    if (!this.dryRun && plan.layer === "app") this.world.terraformApplied(plan.lane, false);
  }
}

export class RampWorld {
  /** The ramp rule on the listener, as the ALB has it. */
  rule: RampRuleState | undefined;
  now = T0;
  private history: { at: number; weights: Record<string, number> }[] = [];
  private scenario: Scenario = {};
  private calls = 0;
  private readonly cw = mockClient(CloudWatchClient);
  private readonly elbMock = mockClient(ElasticLoadBalancingV2Client);
  private modifies: Ran["weights"] = [];

  private constructor(
    readonly harness: LocalState,
    readonly paramsDir: string,
  ) {
    this.cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => this.metrics(input));
    this.elbMock.on(DescribeRulesCommand).callsFake((input: DescribeRulesCommandInput) => this.describeRules(input));
    this.elbMock.on(DescribeTagsCommand).callsFake((input: DescribeTagsCommandInput) => this.describeTags(input));
    this.elbMock.on(ModifyRuleCommand).callsFake((input: ModifyRuleCommandInput) => this.modifyRule(input));
  }

  static async start(paramsDir = join(PROJECT_ROOT, "params")): Promise<RampWorld> {
    const params = new ParamsRepository(paramsDir);
    const harness = await startLocalState(params.infra("dev").state);
    return new RampWorld(harness, paramsDir);
  }

  /** States as their deploys leave them: infra, boot (the ALB), default and gray, `blue` too when asked. */
  async reset(options: { readonly lanes?: readonly string[]; readonly rampHeldBy?: string } = {}): Promise<void> {
    const { s3, state } = this.harness;
    this.now = T0;
    this.history = [];
    this.modifies = [];
    this.calls = 0;
    this.rule = undefined;
    await publishState(s3, state.bucket, stateKey({ layer: "infra", env: "dev" }), {
      [InfraOutputs.clusterName.name]: "dev-cluster",
      [InfraOutputs.vpcId.name]: "vpc-0a1b2c3d4e5f60718",
    });
    await publishState(s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), {
      [BootOutputs.albArn.name]: elb(`loadbalancer/${ALB_SUFFIX}`),
      [BootOutputs.albArnSuffix.name]: ALB_SUFFIX,
      [BootOutputs.albDnsName.name]: "user-api-dev-alb-1234567890.ap-southeast-2.elb.amazonaws.com",
      [BootOutputs.listenerArn.name]: LISTENER_ARN,
      [BootOutputs.defaultTargetGroupArn.name]: DEFAULT_TG_ARN,
      [BootOutputs.defaultTargetGroupArnSuffix.name]: tgSuffix(DEFAULT_TG_ARN),
    });
    // user-api calls order-api (params calls): its lanes read order-api's boot state too.
    await publishState(s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "order-api" }), {
      [BootOutputs.callUrl.name]: "http://internal-order-api-dev-alb-1234567890.ap-southeast-2.elb.amazonaws.com:80",
    });
    for (const lane of ["default", "gray", ...(options.lanes ?? [])]) await this.publishLane(lane, IMAGES[lane as keyof typeof IMAGES] ?? IMAGES.gray);
    if (options.rampHeldBy) {
      this.terraformApplied(options.rampHeldBy, true);
      this.rule!.weights = { [laneTargetGroupArn(options.rampHeldBy)]: 25, [DEFAULT_TG_ARN]: 75 };
    }
  }

  /** A lane's state as its deploy leaves it. */
  async publishLane(lane: string, image: string): Promise<void> {
    await publishState(this.harness.s3, this.harness.state.bucket, stateKey({ layer: "app", env: "dev", service: "user-api", lane }), {
      [LaneOutputs.image.name]: image,
      [LaneOutputs.imageHistory.name]: [image],
      [LaneOutputs.changedBy.name]: "pipeline:3f1c9e0a",
      [LaneOutputs.clusterName.name]: "dev-cluster",
      [LaneOutputs.ecsServiceName.name]: `user-api-dev-${lane}`,
      [LaneOutputs.targetGroupArn.name]: lane === "default" ? DEFAULT_TG_ARN : laneTargetGroupArn(lane),
      [LaneOutputs.albDnsName.name]: "user-api-dev-alb-1234567890.ap-southeast-2.elb.amazonaws.com",
      [LaneOutputs.taskDefinitionArn.name]: `arn:aws:ecs:${REGION}:123456789012:task-definition/user-api-dev-${lane}-task:3`,
    });
  }

  /** What Terraform does to the ALB when a lane stack is applied with or without the ramp rule (or destroyed). */
  terraformApplied(lane: string, ramp: boolean): void {
    if (ramp && !this.rule) {
      this.rule = { lane, ruleArn: elb(`listener-rule/${ALB_SUFFIX}/f2f7dc8efc522ab2/${lane.padEnd(16, "0").slice(0, 16)}`), weights: { [laneTargetGroupArn(lane)]: 0, [DEFAULT_TG_ARN]: 100 } };
      this.record();
    } else if (!ramp && this.rule?.lane === lane) {
      this.rule = undefined;
      this.record();
    }
  }

  private record(): void {
    this.history.push({ at: this.now, weights: { ...(this.rule?.weights ?? {}) } });
  }

  /** The lane's percent of the requests without a lane in the minute starting at `minuteMs`. */
  private weightAt(lane: string, minuteMs: number): number {
    const entry = [...this.history].reverse().find((h) => h.at <= minuteMs);
    return entry?.weights[laneTargetGroupArn(lane)] ?? 0;
  }

  private metrics(input: GetMetricDataCommandInput) {
    this.calls++;
    const error = this.scenario.failCall?.(this.calls, this.now);
    if (error) throw error;
    if (this.scenario.getMetricData) return this.scenario.getMetricData(input);
    const total = this.scenario.total ?? 2000;
    return answer(input, (tg, minuteMs) => {
      if (minuteMs >= this.now) return undefined; // the future has no datapoints
      const laneName = this.rule?.lane ?? "gray";
      const weight = this.weightAt(laneName, minuteMs);
      const laneRequests = Math.round((total * weight) / 100);
      if (tg === tgSuffix(DEFAULT_TG_ARN)) return total - laneRequests > 0 ? steady(minuteMs, total - laneRequests, 500, 120, 3) : undefined;
      if (tg !== tgSuffix(laneTargetGroupArn(laneName))) return undefined;
      if (this.scenario.laneOnly) return this.scenario.laneOnly(minuteMs);
      if (laneRequests === 0) return undefined;
      const healthy = { ...steady(minuteMs, laneRequests, 500, 120, 7), requests: laneRequests };
      return this.scenario.lane?.(weight, minuteMs, laneRequests) ?? healthy;
    });
  }

  private describeRules(input: DescribeRulesCommandInput) {
    if (input.ListenerArn !== LISTENER_ARN) throw Object.assign(new Error("One or more listeners not found"), { name: "ListenerNotFoundException" });
    const rules: Rule[] = [
      { RuleArn: elb(`listener-rule/${ALB_SUFFIX}/f2f7dc8efc522ab2/9a1b2c3d4e5f6071`), Priority: "100", IsDefault: false, Actions: [{ Type: "forward", TargetGroupArn: laneTargetGroupArn("gray") }] },
      ...(this.rule
        ? [
            {
              RuleArn: this.rule.ruleArn,
              Priority: String(RAMP_RULE_PRIORITY),
              IsDefault: false,
              Conditions: [{ Field: "path-pattern", Values: ["*"] }],
              Actions: [{ Type: "forward", ForwardConfig: { TargetGroups: Object.entries(this.rule.weights).map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })) } }],
            } satisfies Rule,
          ]
        : []),
      { RuleArn: elb(`listener-rule/${ALB_SUFFIX}/f2f7dc8efc522ab2/0000000000000000`), Priority: "default", IsDefault: true, Actions: [{ Type: "forward", TargetGroupArn: DEFAULT_TG_ARN }] },
    ];
    return { Rules: rules, $metadata: {} };
  }

  private describeTags(input: DescribeTagsCommandInput) {
    const arn = input.ResourceArns?.[0];
    if (!this.rule || arn !== this.rule.ruleArn) return { TagDescriptions: [], $metadata: {} };
    const tags = { Name: laneNames("user-api", "dev", this.rule.lane).rampRule, env: "dev", service: "user-api", lane: this.rule.lane, "managed-by": "lanes" };
    return { TagDescriptions: [{ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }], $metadata: {} };
  }

  private modifyRule(input: ModifyRuleCommandInput) {
    if (!this.rule || input.RuleArn !== this.rule.ruleArn) throw Object.assign(new Error("One or more rules not found"), { name: "RuleNotFoundException" });
    const forward = input.Actions?.[0]?.ForwardConfig;
    this.rule.weights = Object.fromEntries((forward?.TargetGroups ?? []).map((g) => [g.TargetGroupArn!, g.Weight ?? 0]));
    const percent = this.rule.weights[laneTargetGroupArn(this.rule.lane)] ?? 0;
    this.modifies.push({ at: this.now - T0, percent, stickiness: forward?.TargetGroupStickinessConfig?.Enabled ? (forward.TargetGroupStickinessConfig.DurationSeconds ?? 0) : 0 });
    this.record();
    return { Rules: [], $metadata: {} };
  }

  /** Runs a lanes command line in this world. */
  async lanes(argv: readonly string[], scenario: Scenario = {}, options: { readonly env?: Record<string, string>; readonly deps?: Dependencies } = {}): Promise<Ran> {
    this.scenario = scenario;
    this.modifies = [];
    this.calls = 0;
    this.elbMock.resetHistory();
    this.cw.resetHistory();
    const lines: string[] = [];
    const progress = (line: string) => lines.push(line);
    const steps = new RecordingSteps(argv.includes("--dry-run"), this, progress);
    const clock = {
      now: () => this.now,
      sleep: async (ms: number) => {
        this.now += ms;
        await scenario.onTime?.(this.now);
      },
    };
    const healthy: ClusterView = { health: async () => ({ desired: 2, running: 2, rolloutState: "COMPLETED", healthyTargets: 2 }) };
    const env = { ...process.env, ...this.harness.env, LANES_PARAMS_DIR: this.paramsDir, ...(options.env ?? {}) };
    const outcome = await run(argv, env, {
      clients: { s3: this.harness.s3, dynamodb: this.harness.dynamodb },
      cluster: healthy,
      steps,
      clock,
      progress,
      cloudwatch: new CloudWatchClient({ region: REGION }),
      elb: new ElasticLoadBalancingV2Client({ region: REGION }),
      ...(options.deps ?? {}),
    });
    return { outcome, lines, weights: this.modifies, steps: steps.done };
  }

  /** GetMetricData calls of the last command. */
  cloudWatchCalls(): number {
    return this.cw.commandCalls(GetMetricDataCommand).length;
  }

  /** Calls the fake ALB received, by command name. */
  elbCalls(command: "DescribeRules" | "DescribeTags" | "ModifyRule"): number {
    if (command === "DescribeRules") return this.elbMock.commandCalls(DescribeRulesCommand).length;
    if (command === "DescribeTags") return this.elbMock.commandCalls(DescribeTagsCommand).length;
    return this.elbMock.commandCalls(ModifyRuleCommand).length;
  }

  async stop(): Promise<void> {
    this.cw.restore();
    this.elbMock.restore();
    await this.harness.stop();
  }
}

/** The lane at a weight misbehaving: 5 % of its requests fail and its p95 is 80 ms slower. */
export function regression(requests: number, minuteMs: number): Traffic {
  const t = steady(minuteMs, requests, 500, 200, 7);
  return { ...t, requests, errors5xx: Math.round(requests * 0.05) };
}

export { MIN };

/** A command as a terminal shows it: the command line, progress on stderr (`lanes: …`), the result, the exit code. */
export function transcript(argv: readonly string[], ran: Ran): string {
  const out = [`$ npm run lanes -- ${argv.join(" ")}`, ...ran.lines.map((l) => `lanes: ${l}`)];
  if (ran.outcome.code === 0) out.push(ran.outcome.text);
  else out.push(...ran.outcome.text.split("\n").map((l, i) => (i === 0 ? `lanes: ${l}` : l)), `(exit ${ran.outcome.code})`);
  return out.join("\n");
}

/** The README's analysis and two ramps (npm run ramp:demo prints them; a test keeps the README equal to them). */
export const DEMOS = {
  analyzed: {
    argv: ["analyze", "gray", "--service", "user-api", "--env", "dev", "--window", "15m"],
    // Header traffic to gray only (no ramp yet): 300 requests a minute, 5 % failing, p95 80 ms slower.
    scenario: { laneOnly: (minuteMs: number) => regression(300, minuteMs) } as Scenario,
  },
  promoted: { argv: ["ramp", "gray", "--service", "user-api", "--env", "dev", "--steps", "5,25,50", "--interval", "10m"], scenario: {} as Scenario },
  aborted: {
    argv: ["ramp", "gray", "--service", "user-api", "--env", "dev", "--steps", "5,25,50", "--interval", "10m"],
    scenario: { lane: (weight: number, minuteMs: number, requests: number) => (weight === 25 ? regression(requests, minuteMs) : undefined) } as Scenario,
  },
} as const;

/** Runs one demo in a fresh state of the world and returns its transcript. */
export async function demo(world: RampWorld, name: keyof typeof DEMOS): Promise<string> {
  const { argv, scenario } = DEMOS[name];
  await world.reset();
  return transcript(argv, await world.lanes(argv, scenario));
}
