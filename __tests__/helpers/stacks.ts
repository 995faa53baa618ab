import { Testing } from "cdktf";
import type { ParamsRepository } from "../../lib/params/load";
import { AppLaneStack } from "../../stacks/app-lane-stack";
import { BootStack } from "../../stacks/boot-stack";
import { DEFAULT_BUNDLE_ROOT } from "../../stacks/build";
import { InfraStack } from "../../stacks/infra-stack";
import { PipelineStack } from "../../stacks/pipeline-stack";
import { StateStack } from "../../stacks/state-stack";
import { exampleParams, synth, type Synthesized } from "./project";

export function synthInfra(env = "dev", params: ParamsRepository = exampleParams()): Synthesized {
  return synth(new InfraStack(Testing.app(), params.infra(env)));
}

export function synthState(env = "dev", params: ParamsRepository = exampleParams()): Synthesized {
  return synth(new StateStack(Testing.app(), params.infra(env)));
}

export function synthBoot(service = "user-api", env = "dev", params: ParamsRepository = exampleParams()): Synthesized {
  return synth(new BootStack(Testing.app(), params.infra(env), params.boot(service, env), DEFAULT_BUNDLE_ROOT));
}

export function synthLane(
  lane: string,
  opts: { service?: string; env?: string; params?: ParamsRepository; image?: string; previousImages?: string[]; changedBy?: string } = {},
): Synthesized {
  const { service = "user-api", env = "dev", params = exampleParams(), image = "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-abc1234" } = opts;
  return synth(
    new AppLaneStack(Testing.app(), {
      infra: params.infra(env),
      boot: params.boot(service, env),
      service: params.service(service, env),
      lane: params.lane(service, env, lane),
      release: { image, previousImages: opts.previousImages ?? [], ...(opts.changedBy ? { changedBy: opts.changedBy } : {}) },
    }),
  );
}

export function synthPipeline(kind: "infra" | "bootstrap" | "gc" | "app", opts: { service?: string; env?: string; params?: ParamsRepository } = {}): Synthesized {
  const { service = "user-api", env = "dev", params = exampleParams() } = opts;
  const infra = params.infra(env);
  if (!infra.pipelines) throw new Error(`no pipelines in infra-${env}.json`);
  const spec = kind === "app" ? { kind, service: params.service(service, env), boot: params.boot(service, env) } : { kind };
  return synth(new PipelineStack(Testing.app(), infra, infra.pipelines, spec));
}
