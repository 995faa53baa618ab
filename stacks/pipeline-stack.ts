import type { Construct } from "constructs";
import { canaryWorstCaseMinutes } from "../lib/analysis/canary-settings";
import { rampWorstCaseMinutes } from "../lib/analysis/ramp-settings";
import { DEFAULT_ACTION, actionVariableDescription } from "../lib/ci/actions";
import { TTL_KEEP, TTL_VARIABLE_DESCRIPTION } from "../lib/ci/inputs";
import { PipelineOutputs } from "../lib/contract";
import { DeliveryPipeline, type DeliveryPipelineProps, type ExecutionMode, type PipelineVariable } from "../constructs/delivery-pipeline";
import { pipelineNames, type PipelineKind } from "../lib/naming";
import type { BootConfig, InfraConfig, PipelineConfig, ServiceConfig } from "../lib/params/config";
import { BuildNetwork } from "../constructs/build-network";
import { buildsInVpc } from "../lib/layers/pipeline";
import { BootState, InfraState } from "../constructs/layer-state";
import { type BuildVpc, appRolePolicy, buildVpcPolicy, bootstrapRolePolicy, gcRolePolicy, infraRolePolicy, pipelineServicePolicy } from "../lib/policies/roles";
import { PipelineSchedule } from "../constructs/pipeline-schedule";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

export type PipelineSpec =
  | { readonly kind: "infra" }
  | { readonly kind: "bootstrap" }
  | { readonly kind: "gc" }
  | { readonly kind: "app"; readonly service: ServiceConfig; /** The service's access layer: an internal ALB puts the build in the VPC. */ readonly boot?: BootConfig };


/**
 * Execution modes. infra: QUEUED (one env change at a time, none dropped). bootstrap and app:
 * PARALLEL: the default SUPERSEDED would cancel a running `gray` deploy when a `blue` one
 * starts, defeating the lanes; each run locks only its own state key, so parallel runs of
 * different lanes (or services) never block each other. gc: QUEUED (a scheduled run waits for
 * the previous one; SUPERSEDED would stop a run in the middle of a destroy).
 */
export const EXECUTION_MODES: Record<PipelineSpec["kind"], ExecutionMode> = { infra: "QUEUED", bootstrap: "PARALLEL", gc: "QUEUED", app: "PARALLEL" };

function pipelineKind(spec: PipelineSpec): PipelineKind {
  return spec.kind === "app" ? { kind: "app", service: spec.service.service } : spec;
}

/** `pipeline-{pipeline}`: one deploy pipeline, created once by an admin with `cdktf deploy`. */
export class PipelineStack extends LanesStack {
  readonly delivery: DeliveryPipeline;
  /** gc: the schedule that starts it. */
  readonly schedule?: PipelineSchedule;
  /** app, internal ALB: the build's security group in the VPC. */
  readonly network?: BuildNetwork;

  constructor(scope: Construct, infra: InfraConfig, pipelines: PipelineConfig, spec: PipelineSpec) {
    const env = infra.env;
    const names = pipelineNames(env, pipelineKind(spec));
    super(scope, names.stack, {
      infra,
      tags: { env, service: spec.kind === "app" ? spec.service.service : "shared", lane: "pipeline" },
    });
    useS3State(this, infra.state, { layer: "pipeline", env, pipeline: names.pipeline });
    const roleContext = { env, state: infra.state };

    let variables: PipelineVariable[];
    let environment: Record<string, string>;
    let rest: Pick<DeliveryPipelineProps, "buildPolicy" | "appSource" | "buildsImages" | "vpc">;
    let config = pipelines;
    const common = { ENV: env, PIPELINE_EXECUTION_ID: "#{codepipeline.PipelineExecutionId}" };
    switch (spec.kind) {
      case "infra":
        variables = [];
        environment = { ...common, LAYER: "infra" };
        rest = { buildPolicy: (c) => infraRolePolicy({ ...c, ...roleContext }), buildsImages: false };
        break;
      case "gc":
        // Removes expired lanes of every service of the env (lanes gc), with a role that may
        // destroy lanes and nothing else; started by its schedule.
        variables = [];
        environment = { ...common, LAYER: "gc" };
        rest = { buildPolicy: (c) => gcRolePolicy({ ...c, ...roleContext }), buildsImages: false };
        break;
      case "bootstrap":
        variables = [{ name: "SERVICE", description: "Service whose access layer (boot-{service}-{env}) to deploy" }];
        environment = { ...common, LAYER: "boot", SERVICE_NAME: "#{variables.SERVICE}" };
        rest = { buildPolicy: (c) => bootstrapRolePolicy({ ...c, ...roleContext }), buildsImages: false };
        break;
      case "app": {
        const svc = spec.service;
        // ACTION=ramp runs a whole ramp in one build, and CodeBuild kills a build at its timeout
        // without running anything after: the timeout must cover the longest ramp (params check
        // that it fits CodePipeline's 8 hours), and the build is told so (lanes ramp refuses more).
        // ACTION=canary likewise runs a whole canary release (wait for steady state, the bakes it
        // may extend, promotion): a worker's timeout covers the longest one (params check it fits).
        config = {
          ...pipelines,
          // (A worker is never ramped; an http service never runs a canary release.)
          buildTimeoutMinutes: Math.max(pipelines.buildTimeoutMinutes, svc.worker ? canaryWorstCaseMinutes(svc.worker.canary) : rampWorstCaseMinutes(svc.ramp)),
        };
        variables = [
          { name: "LANE", description: "Lane to deploy (app-{service}-{env}-{lane}); required" },
          { name: "BRANCH", description: "App repository branch to build", defaultValue: svc.branch },
          { name: "ACTION", description: actionVariableDescription(), defaultValue: DEFAULT_ACTION },
          { name: "TTL", description: TTL_VARIABLE_DESCRIPTION, defaultValue: TTL_KEEP },
        ];
        environment = {
          ...common,
          LAYER: "app",
          SERVICE_NAME: svc.service,
          MODULE_PATH: svc.modulePath,
          LANE: "#{variables.LANE}",
          BRANCH: "#{variables.BRANCH}",
          ACTION: "#{variables.ACTION}",
          LANES_BUILD_TIMEOUT_MINUTES: String(config.buildTimeoutMinutes),
          TTL: "#{variables.TTL}",
        };
        // An internal ALB is reachable only from the VPC: the build runs there (private subnets,
        // its own security group, admitted by the ALB's), so the verify step reaches the lane.
        let vpc: DeliveryPipelineProps["vpc"];
        let buildVpc: BuildVpc | undefined;
        if (buildsInVpc(spec.boot)) {
          const boot = spec.boot!;
          const infraState = new InfraState(this, "infra", infra.state, env);
          const bootState = new BootState(this, "boot", infra.state, env, svc.service);
          this.network = new BuildNetwork(this, "build-network", {
            name: names.codebuildSecurityGroup,
            vpcId: infraState.vpcId,
            albSecurityGroupId: bootState.albSecurityGroupId,
            listenerPorts: [boot.httpPort, ...(boot.https ? [boot.https.port] : [])],
          });
          const inVpc = { vpcId: infraState.vpcId, securityGroupId: this.network.securityGroup.id };
          buildVpc = inVpc;
          vpc = { vpcId: infraState.vpcId, subnetIds: infraState.privateSubnetIds, securityGroupIds: [this.network.securityGroup.id], policy: (c) => buildVpcPolicy(c, inVpc) };
        }
        rest = {
          buildPolicy: (c) => appRolePolicy({ ...c, ...roleContext }, svc.service, buildVpc),
          appSource: { repo: svc.repo, branch: svc.branch },
          buildsImages: true,
          ...(vpc ? { vpc } : {}),
        };
        break;
      }
    }

    this.delivery = new DeliveryPipeline(this, "delivery", {
      names,
      config,
      region: infra.region,
      executionMode: EXECUTION_MODES[spec.kind],
      variables,
      environment,
      pipelinePolicy: pipelineServicePolicy,
      ...rest,
    });
    if (spec.kind === "gc") {
      this.schedule = new PipelineSchedule(this, "schedule", {
        ruleName: names.scheduleRule,
        role: names.scheduleRole,
        scheduleExpression: pipelines.gcSchedule,
        pipeline: this.delivery.pipeline,
        description: `Starts ${names.pipeline}: lanes gc --env ${env} removes the expired lanes`,
        account: this.delivery.buildContext,
      });
    }
    this.declareOutputs(PipelineOutputs, { pipelineName: this.delivery.pipeline.name, buildRoleArn: this.delivery.buildRole.arn });
  }
}
