/**
 * "Pipeline overhead of one lane deploy" (npm run bench): the build's own scripts (ci/install.sh,
 * ci/build.sh phases) in a CodeBuild-shaped workspace (the emulator of the buildspec tests, with
 * aws and docker stubbed), state in the local harness, from a cold start (empty npm cache, no
 * node_modules, no Terraform zip, no provider mirror) and from a warm one (what the pipeline's
 * CodeBuild cache holds after the cold run, restored under the same key), against the lane's
 * `terraform plan` alone as the floor.
 *
 * Stand-ins, because this machine has no AWS and no internet but the npm registry: the npm
 * registry is the real one; the Terraform zip comes from a file:// URL (a zip of the installed
 * binary, its SHA-256 checked as always); the provider is filled from the machine's mirror
 * (LANES_PROVIDER_UPSTREAM) instead of registry.terraform.io; and post_build deploys up to the
 * apply: `lanes plan` (preflight, cdktf synth, init, plan: what `cdktf deploy` does before it
 * applies), since there is no AWS to apply to. Verify waits for AWS (the floor), so it is not run.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP_MODULE_PATH, CodeBuildWorkspace, RELEASE_BRANCH, loadBuildspec, type Buildspec, type Phase } from "../__tests__/helpers/codebuild";
import { fakeOutputs, publishState } from "../lib/harness/fake-state";
import { startLocalState } from "../lib/harness/local-state";
import { PROJECT_ROOT, runAsync, stackJson, synthMainAsync } from "../lib/harness/run";
import { ParamsRepository } from "../lib/params/load";
import { stateKey } from "../lib/state";
import { findProviderMirror, terraformEnv } from "../lib/terraform";

const REGION = "ap-southeast-2";
const STACK = "app-user-api-dev-gray";
const PHASES: readonly Phase[] = ["install", "pre_build", "build", "post_build"];
const APP = { LAYER: "app", ENV: "dev", SERVICE_NAME: "user-api", LANE: "gray", BRANCH: RELEASE_BRANCH, MODULE_PATH: APP_MODULE_PATH };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The buildspec the benchmark runs: the real phases, post_build deploying up to the apply (`lanes plan`). */
export function benchBuildspec(real: Buildspec): Buildspec {
  const postBuild = real.phases.post_build ?? [];
  if (postBuild.join("\n") !== ". ci/build.sh && postbuild && deploy && verify") {
    throw new Error(`ci/buildspec.yml post_build changed (${postBuild.join("; ")}): update the benchmark's stand-in for it`);
  }
  return {
    ...real,
    phases: {
      ...real.phases,
      post_build: ['. ci/build.sh && postbuild && _ci_lanes plan "$LANE" --service "$SERVICE_NAME" --env "$ENV" --output "$LANES_SYNTH_DIR" >&2'],
    },
  };
}

function duMegabytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return Number(execFileSync("du", ["-sm", dir], { encoding: "utf8" }).split("\t")[0]);
}

export interface OverheadResult {
  readonly lines: string[];
  readonly coldRatio: number;
  readonly warmRatio: number;
}

/** Runs the section; returns its markdown (starting with its `## ` heading) and the two ratios. */
export async function pipelineOverhead(runs: number, terraformVersion: string, log: (text: string) => void): Promise<OverheadResult> {
  const spec = benchBuildspec(loadBuildspec(join(PROJECT_ROOT, "ci", "buildspec.yml")));
  const upstream = findProviderMirror({ ...process.env, TF_PROVIDER_MIRROR: "" });
  if (!upstream) throw new Error("the pipeline section copies hashicorp/aws from this machine's provider mirror (no registry.terraform.io here): none found");
  const work = mkdtempSync(join(tmpdir(), "lanes-bench-pipeline-"));
  const store = join(work, "cache-store");
  const { state } = new ParamsRepository(join(PROJECT_ROOT, "params")).infra("dev");
  const harness = await startLocalState(state);
  try {
    // The lower layers, as their stacks leave them.
    const { outdir } = await synthMainAsync({ ...harness.env, ENV: "dev" });
    await publishState(harness.s3, state.bucket, stateKey({ layer: "infra", env: "dev" }), fakeOutputs(stackJson(outdir, "infra-dev"), REGION));
    await publishState(harness.s3, state.bucket, stateKey({ layer: "boot", env: "dev", service: "user-api" }), fakeOutputs(stackJson(outdir, "boot-user-api-dev"), REGION));
    rmSync(outdir, { recursive: true, force: true });

    // releases.hashicorp.com's zip, stood in for by a zip of the installed binary.
    mkdirSync(join(work, "zip"));
    const terraformBin = execFileSync("bash", ["-c", "command -v terraform"], { encoding: "utf8" }).trim();
    const zip = join(work, "zip", `terraform_${terraformVersion}_linux_amd64.zip`);
    execFileSync("zip", ["-q", "-j", zip, terraformBin]);
    const zipSha = createHash("sha256").update(readFileSync(zip)).digest("hex");

    const runOnce = async (label: string, restore: boolean) => {
      const ws = await CodeBuildWorkspace.create({ nodeModules: "none" });
      try {
        const cache = restore ? await ws.restoreCache(spec, store, { move: true }) : undefined;
        if (restore && !cache?.hit) throw new Error(`${label}: nothing in the cache under ${cache?.key}`);
        const installDir = join(ws.root, "terraform-bin");
        const synthDir = join(ws.tmp, "synth");
        const vars = {
          ...APP,
          ...harness.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          PATH: [ws.bin, installDir, process.env.PATH ?? ""].join(":"),
          TERRAFORM_VERSION: terraformVersion,
          TERRAFORM_URL: `file://${zip}`,
          TERRAFORM_SHA256: zipSha,
          TERRAFORM_INSTALL_DIR: installDir,
          TF_PROVIDER_MIRROR: "none",
          LANES_PROVIDER_UPSTREAM: upstream,
          LANES_SYNTH_DIR: synthDir,
        };
        log(`pipeline: ${label} build…`);
        const result = await ws.run(spec, vars, { phases: PHASES });
        if (!result.succeeded) throw new Error(`${label} build failed:\n${result.output}`);
        // The lane's plan alone, in the working directory the deploy step initialized.
        const tfEnv = { ...process.env, ...vars, ...(await terraformEnv(ws.src, { ...process.env, ...vars })) };
        const planStart = process.hrtime.bigint();
        const plan = await runAsync("terraform", ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], { cwd: join(synthDir, "stacks", STACK), env: tfEnv });
        if (plan.code !== 0) throw new Error(`terraform plan of ${STACK} failed:\n${plan.stderr}`);
        const planMs = Number(process.hrtime.bigint() - planStart) / 1e6;
        const sizes = Object.fromEntries(["node_modules", ".ci/cache", ".lanes/terraform/providers"].map((d) => [d, duMegabytes(join(ws.src, d))]));
        await ws.saveCache(spec, store, { move: true });
        log(`pipeline: ${label}: ${PHASES.map((p) => `${p} ${seconds(result.ms[p] ?? 0)}`).join(", ")}; plan ${seconds(planMs)}`);
        return { ms: result.ms, planMs, sizes, output: result.output };
      } finally {
        ws.cleanup();
      }
    };

    const cold = await runOnce("cold", false);
    const warm: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let i = 0; i < runs; i++) warm.push(await runOnce(`warm ${i + 1}/${runs}`, true));

    const total = (ms: Partial<Record<Phase, number>>) => PHASES.reduce((n, p) => n + (ms[p] ?? 0), 0);
    const warmPhase = (p: Phase) => median(warm.map((w) => w.ms[p] ?? 0));
    const warmTotal = median(warm.map((w) => total(w.ms)));
    // The floor: the lane's plan alone, measured in every run of the section (median).
    const plan = median([cold.planMs, ...warm.map((w) => w.planMs)]);
    const coldOverhead = total(cold.ms) - plan;
    const warmOverhead = warmTotal - plan;
    const ratio = (ms: number) => (ms / plan).toFixed(2);
    const sizes = cold.sizes;
    const lines = [
      `## Pipeline overhead of one lane deploy`,
      ``,
      `The build's own scripts (\`ci/install.sh\`, the \`ci/build.sh\` phases) for \`LANE=gray\` of user-api in a CodeBuild-shaped workspace (\`__tests__/helpers/codebuild.ts\`: \`aws\`/\`docker\` stubbed, state in the local harness), from a **cold** start (empty npm cache, no \`node_modules\`, no Terraform zip, no provider mirror: 1 run) and **warm** (the pipeline's CodeBuild cache as the cold run left it, restored under the same key: median of ${runs}). Every run starts in a fresh copy of the repository with an empty temp directory, as a CodeBuild container does. post_build deploys up to the apply (\`lanes plan\`: preflight, \`cdktf\` synth, init and plan, what \`cdktf deploy\` does before applying); the floor is the lane's \`terraform plan\` alone (median of every run: ${seconds(plan)}). Stand-ins for the internet: the Terraform zip from a file:// URL (SHA-256 checked), hashicorp/aws copied from this machine's mirror; npm is the real registry.`,
      ``,
      `| phase | cold | warm |`,
      `|---|---|---|`,
      `| install (\`ci/install.sh\`: npm dependencies, Terraform) | ${seconds(cold.ms.install ?? 0)} | ${seconds(warmPhase("install"))} |`,
      `| pre_build (inputs, app checkout, ECR login) | ${seconds(cold.ms.pre_build ?? 0)} | ${seconds(warmPhase("pre_build"))} |`,
      `| build (image: docker stubbed, so only the build's own steps) | ${seconds(cold.ms.build ?? 0)} | ${seconds(warmPhase("build"))} |`,
      `| post_build (deploy parameters; the deploy up to the apply, provider included) | ${seconds(cold.ms.post_build ?? 0)} | ${seconds(warmPhase("post_build"))} |`,
      `| **total** | ${seconds(total(cold.ms))} | ${seconds(warmTotal)} |`,
      `| the lane's plan alone (the floor) | ${seconds(plan)} (1.00) | ${seconds(plan)} (1.00) |`,
      `| **overhead** (total − plan) | ${seconds(coldOverhead)} (**${ratio(coldOverhead)}×** the plan; goal ≤ 15×) | ${seconds(warmOverhead)} (**${ratio(warmOverhead)}×** the plan; goal ≤ 3×) |`,
      ``,
      `What the cache holds (one immutable copy per key \`lanes-deps-<hash of package-lock.json and ci/install.sh>\`): node_modules ${sizes.node_modules} MB, \`.ci/cache\` (npm cache, Terraform zip) ${sizes[".ci/cache"]} MB, the provider mirror ${sizes[".lanes/terraform/providers"]} MB, before compression. CodeBuild downloads and unpacks it before the install phase; that time is not in the table (it depends on the build host and S3, not on this project's scripts).`,
      ``,
    ];
    return { lines, coldRatio: coldOverhead / plan, warmRatio: warmOverhead / plan };
  } finally {
    await harness.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Replaces the `## heading` section of a markdown file (up to the next `## ` or the end), or appends it. */
export function replaceSection(file: string, lines: string[]): void {
  const heading = lines[0]!;
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const all = text.split("\n");
  const start = all.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, `${text.replace(/\n*$/, "\n\n")}${lines.join("\n")}`);
    return;
  }
  let end = all.findIndex((l, i) => i > start && l.startsWith("## "));
  if (end < 0) end = all.length;
  writeFileSync(file, [...all.slice(0, start), ...lines, ...all.slice(end)].join("\n"));
}
