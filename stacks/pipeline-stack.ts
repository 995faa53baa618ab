import type { Construct } from "constructs";
import { rampWorstCaseMinutes } from "../lib/analysis/ramp-settings";
import { DEFAULT_ACTION, actionVariableDescription } from "../lib/ci/actions";
import { PipelineOutputs } from "../lib/contract";
import { DeliveryPipeline, type DeliveryPipelineProps, type ExecutionMode, type PipelineVariable } from "../constructs/delivery-pipeline";
import { pipelineNames, type PipelineKind } from "../lib/naming";
import type { InfraConfig, PipelineConfig, ServiceConfig } from "../lib/params/config";
import { appRolePolicy, bootstrapRolePolicy, infraRolePolicy, pipelineServicePolicy } from "../lib/policies/roles";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

export type PipelineSpec = { readonly kind: "infra" } | { readonly kind: "bootstrap" } | { readonly kind: "app"; readonly service: ServiceConfig };

/**
 * Execution modes. infra: QUEUED (one env change at a time, none dropped). bootstrap and app:
 * PARALLEL: the default SUPERSEDED would cancel a running `gray` deploy when a `blue` one
 * starts, defeating the lanes; each run locks only its own state key, so parallel runs of
 * different lanes (or services) never block each other.
 */
export const EXECUTION_MODES: Record<PipelineSpec["kind"], ExecutionMode> = { infra: "QUEUED", bootstrap: "PARALLEL", app: "PARALLEL" };

function pipelineKind(spec: PipelineSpec): PipelineKind {
  return spec.kind === "app" ? { kind: "app", service: spec.service.service } : spec;
}

/** `pipeline-{pipeline}`: one deploy pipeline, created once by an admin with `cdktf deploy`. */
export class PipelineStack extends LanesStack {
  readonly delivery: DeliveryPipeline;

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
    let rest: Pick<DeliveryPipelineProps, "buildPolicy" | "appSource" | "buildsImages">;
    let config = pipelines;
    const common = { ENV: env, PIPELINE_EXECUTION_ID: "#{codepipeline.PipelineExecutionId}" };
    switch (spec.kind) {
      case "infra":
        variables = [];
        environment = { ...common, LAYER: "infra" };
        rest = { buildPolicy: (c) => infraRolePolicy({ ...c, ...roleContext }), buildsImages: false };
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
        config = { ...pipelines, buildTimeoutMinutes: Math.max(pipelines.buildTimeoutMinutes, rampWorstCaseMinutes(svc.ramp)) };
        variables = [
          { name: "LANE", description: "Lane to deploy (app-{service}-{env}-{lane}); required" },
          { name: "BRANCH", description: "App repository branch to build", defaultValue: svc.branch },
          { name: "ACTION", description: actionVariableDescription(), defaultValue: DEFAULT_ACTION },
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
        };
        rest = {
          buildPolicy: (c) => appRolePolicy({ ...c, ...roleContext }, svc.service),
          appSource: { repo: svc.repo, branch: svc.branch },
          buildsImages: true,
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
    this.declareOutputs(PipelineOutputs, { pipelineName: this.delivery.pipeline.name, buildRoleArn: this.delivery.buildRole.arn });
  }
}
