/**
 * Releasing a lane's state lock left by a deploy that was killed mid-apply (a CodeBuild build
 * stopped at its timeout, a laptop closed): only the lane's own lock, and only when no build of
 * that lane is still running in the service's app pipeline project (CodeBuild
 * ListBuildsForProject + BatchGetBuilds, matched by the build's LANE variable). A run from a
 * person's machine is not visible there: the lock's holder (`Who`) says whose it is.
 */
import { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand, type Build } from "@aws-sdk/client-codebuild";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { pipelineNames, stackNames } from "../naming";
import { readLock, type LockInfo } from "../preflight";
import { dynamoLockId, stateKey } from "../state";
import { OpsError, type OpsContext } from "./commands";

export interface RunningBuild {
  readonly id: string;
  readonly startTime?: Date;
  readonly initiator?: string;
}

/** Builds of a CodeBuild project that are still running, with their LANE. */
export interface LaneBuilds {
  running(project: string, lane: string): Promise<RunningBuild[]>;
}

/** Pages of ListBuildsForProject read (newest first, 100 ids each): a running build is among the newest. */
const PAGES = 3;

function laneOf(build: Build): string | undefined {
  return build.environment?.environmentVariables?.find((v) => v.name === "LANE")?.value;
}

export class CodeBuildLaneBuilds implements LaneBuilds {
  constructor(private readonly client: CodeBuildClient) {}

  async running(project: string, lane: string): Promise<RunningBuild[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < PAGES; page++) {
      const out = await this.client.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder: "DESCENDING", ...(nextToken ? { nextToken } : {}) }));
      ids.push(...(out.ids ?? []));
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    const running: RunningBuild[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const out = await this.client.send(new BatchGetBuildsCommand({ ids: ids.slice(i, i + 100) }));
      for (const b of out.builds ?? []) {
        if (b.buildStatus === "IN_PROGRESS" && laneOf(b) === lane) {
          running.push({ id: b.id ?? "", ...(b.startTime ? { startTime: b.startTime } : {}), ...(b.initiator ? { initiator: b.initiator } : {}) });
        }
      }
    }
    return running;
  }
}

export interface Unlocked {
  readonly stack: string;
  readonly key: string;
  readonly lock: LockInfo;
}

/** Releases `lane`'s state lock when no build of the lane runs; refuses otherwise. */
export async function unlockLane(ctx: Pick<OpsContext, "params" | "clients" | "state" | "progress">, env: string, service: string, lane: string, builds: LaneBuilds): Promise<Unlocked> {
  ctx.params.lane(service, env, lane);
  const key = stateKey({ layer: "app", env, service, lane });
  const stack = stackNames.app(service, env, lane);
  const lock = await readLock(ctx.clients, ctx.state, key);
  if (!lock) throw new OpsError(`${stack} holds no state lock (${key}): nothing to unlock.`, "unknownLane");
  // The lock read is this lane's key; a Path naming another state would be someone else's lock.
  const path = dynamoLockId(ctx.state, key);
  if (lock.Path && lock.Path !== path) {
    throw new OpsError(`the lock found at ${key} names another state (${lock.Path}): not released; only a lane's own lock is.`, "refused");
  }
  const project = pipelineNames(env, { kind: "app", service }).project;
  const running = await builds.running(project, lane);
  if (running.length > 0) {
    throw new OpsError(
      `${stack} is locked by ${lock.Who} (${lock.Operation}, since ${lock.Created}) and a build of lane ${lane} is still running in ${project}: ${running.map((b) => `${b.id}${b.startTime ? ` (started ${b.startTime.toISOString()})` : ""}`).join(", ")}. Not released: let it finish, or stop it (aws codebuild stop-build --id <id>) and run this again.`,
      "locked",
    );
  }
  ctx.progress(`no build of lane ${lane} runs in ${project}; releasing lock ${lock.ID} held by ${lock.Who} since ${lock.Created}`);
  if (ctx.clients.dynamodb && (ctx.state.lock === "dynamodb" || ctx.state.lock === "both")) {
    // Only this lock: the item must still hold the same lock ID (Terraform's digest item `<LockID>-md5` is left alone).
    await ctx.clients.dynamodb
      .send(
        new DeleteItemCommand({
          TableName: ctx.state.lockTable,
          Key: { LockID: { S: path } },
          ConditionExpression: "attribute_not_exists(LockID) OR contains(Info, :id)",
          ExpressionAttributeValues: { ":id": { S: lock.ID } },
        }),
      )
      .catch((err: Error) => {
        if (err.name === "ConditionalCheckFailedException") throw new OpsError(`the lock of ${stack} changed while it was being released (another run took it): not released.`, "locked");
        throw err;
      });
  }
  if (ctx.state.lock === "lockfile" || ctx.state.lock === "both") {
    const lockFile = `${key}.tflock`;
    const body = await ctx.clients.s3
      .send(new GetObjectCommand({ Bucket: ctx.state.bucket, Key: lockFile }))
      .then((out) => out.Body?.transformToString())
      .catch(() => undefined);
    if (body !== undefined && (JSON.parse(body) as LockInfo).ID === lock.ID) await ctx.clients.s3.send(new DeleteObjectCommand({ Bucket: ctx.state.bucket, Key: lockFile }));
  }
  return { stack, key, lock };
}
