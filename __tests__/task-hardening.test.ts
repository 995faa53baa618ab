/**
 * Task hardening (issue 16, point 5): a read-only root filesystem with writable scratch volumes
 * and a non-root user, from params, with documented defaults; the sync Lambda on a supported runtime.
 */
import { ParamsError } from "../lib/params/errors";
import { TempParams, exampleFile, type Json } from "./helpers/project";
import { synthLane } from "./helpers/stacks";

const taskOf = (lane: string, params?: TempParams) => {
  const s = synthLane(lane, params ? { params: params.repo() } : {});
  const task = s.only("aws_ecs_task_definition");
  return { task, container: (JSON.parse(String(task.container_definitions)) as Json[])[0]! };
};

test("the example user-api: read-only root, /tmp as a scratch volume, user 1000:1000 (ECS container definition fields)", () => {
  const { task, container } = taskOf("gray");
  expect(container.readonlyRootFilesystem).toBe(true);
  expect(container.user).toBe("1000:1000");
  expect(container.mountPoints).toEqual([{ sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false }]);
  // A Fargate bind-mount volume: a name and no host path (the task's ephemeral storage).
  expect(task.volume).toEqual([{ name: "scratch-0" }]);
});

test("defaults (documented in the schema): writable root, no volumes, the image's user", () => {
  const params = new TempParams({
    "user-api-dev.json": exampleFile("user-api-dev.json", (j) => {
      const c = j.container as Json;
      delete c.readonlyRootFilesystem;
      delete c.scratchPaths;
      delete c.user;
    }),
  });
  try {
    const { task, container } = taskOf("default", params);
    expect(container.readonlyRootFilesystem).toBeUndefined();
    expect(container.user).toBeUndefined();
    expect(container.mountPoints).toBeUndefined();
    expect(task.volume).toBeUndefined();
    expect(params.repo().service("user-api", "dev").task).toEqual({ readonlyRootFilesystem: false, scratchPaths: ["/tmp"] });
  } finally {
    params.cleanup();
  }
});

test("several scratch paths, each its own volume", () => {
  const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => ((j.container as Json).scratchPaths = ["/tmp", "/var/cache/app"])) });
  try {
    const { task, container } = taskOf("gray", params);
    expect(container.mountPoints).toEqual([
      { sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false },
      { sourceVolume: "scratch-1", containerPath: "/var/cache/app", readOnly: false },
    ]);
    expect(task.volume).toEqual([{ name: "scratch-0" }, { name: "scratch-1" }]);
  } finally {
    params.cleanup();
  }
});

test.each([
  ["root", "container.user"],
  ["0:0", "container.user"],
])("user %s is refused", (user, field) => {
  const params = new TempParams({ "user-api-dev.json": exampleFile("user-api-dev.json", (j) => ((j.container as Json).user = user)) });
  try {
    expect(() => params.repo().service("user-api", "dev")).toThrow(ParamsError);
    expect(() => params.repo().service("user-api", "dev")).toThrow(new RegExp(`field '${field.replace(".", "\\.")}'.*non-root`));
  } finally {
    params.cleanup();
  }
});
// The sync Lambda's runtime (nodejs22.x) is asserted in __tests__/edge-stack.test.ts.
