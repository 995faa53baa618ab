import { BootOutputs } from "../lib/contract";
import { errorLinePattern } from "../constructs/lane-alarms";
import { exampleParams, type Json, type Synthesized } from "./helpers/project";
import { synthBoot, synthLane } from "./helpers/stacks";

const ALB_TYPES = ["aws_lb", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_vpc_security_group_ingress_rule"];

function remoteId(s: Synthesized, layer: string): string {
  return s.data("terraform_remote_state").find(([, c]) => ((c.config as Json).key as string).startsWith(`${layer}/`))![0];
}

describe("worker params (order-worker-dev)", () => {
  const params = exampleParams();

  test("a worker's canary lane has the small fixed capacity from params and no autoscaling", () => {
    const canary = params.lane("order-worker", "dev", "canary");
    expect(canary.desiredCount).toBe(1);
    expect(canary.scaling).toBeUndefined();
    expect(params.lane("order-worker", "dev", "default").scaling).toEqual({ minCount: 2, maxCount: 20, cpuTargetPercent: 60 });
  });

  test("the boot config of a worker has no ALB and carries the queue settings", () => {
    const boot = params.boot("order-worker", "dev");
    expect(boot).toMatchObject({ kind: "worker", initAlb: false });
    expect(boot.worker!.queue.maxReceiveCount).toBe(5);
  });
});

describe("boot-order-worker-dev", () => {
  const s = synthBoot("order-worker");

  test("creates no load balancer resources at all", () => {
    for (const type of ALB_TYPES) expect([type, s.resources(type)]).toEqual([type, []]);
  });

  test("queue and dead-letter queue: redrive after 5 receives, encrypted, retention from params", () => {
    const queues = Object.fromEntries(s.resources("aws_sqs_queue").map(([id, c]) => [c.name as string, { id, c }]));
    expect(Object.keys(queues).sort()).toEqual(["order-worker-dev-dlq", "order-worker-dev-queue"]);
    const main = queues["order-worker-dev-queue"]!.c;
    expect(main).toMatchObject({ visibility_timeout_seconds: 120, message_retention_seconds: 345600, sqs_managed_sse_enabled: true });
    expect(JSON.parse(main.redrive_policy as string)).toEqual({
      deadLetterTargetArn: `\${aws_sqs_queue.${queues["order-worker-dev-dlq"]!.id}.arn}`,
      maxReceiveCount: 5,
    });
    expect(queues["order-worker-dev-dlq"]!.c).toMatchObject({ message_retention_seconds: 1209600, sqs_managed_sse_enabled: true });
  });

  test("the task role may consume its own queue and nothing else", () => {
    const policies = s.resources("aws_iam_role_policy").map(([, c]) => c);
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0]!.policy as string) as { Statement: Json[] };
    const queueId = s.resources("aws_sqs_queue").find(([, c]) => c.name === "order-worker-dev-queue")![0];
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        Resource: `\${aws_sqs_queue.${queueId}.arn}`,
      }),
    ]);
    const taskRole = s.resources("aws_iam_role").find(([, c]) => c.name === "order-worker-dev-task")![0];
    expect(policies[0]!.role).toBe(`\${aws_iam_role.${taskRole}.name}`);
  });

  test("outputs the queue for the lanes", () => {
    const out = s.outputs();
    expect(out[BootOutputs.queueUrl.name]!.value).toMatch(/^\$\{aws_sqs_queue\..+\.url\}$/);
    expect(out[BootOutputs.listenerArn.name]!.value).toBe("");
  });
});

describe("app-order-worker-dev lanes", () => {
  const canary = synthLane("canary", { service: "order-worker" });
  const def = synthLane("default", { service: "order-worker" });
  const boot = (s: Synthesized, name: string) => `\${data.terraform_remote_state.${remoteId(s, "boot")}.outputs.${name}}`;

  test("no target group, listener rule or load balancer block", () => {
    for (const s of [canary, def]) {
      for (const type of ALB_TYPES) expect([type, s.resources(type)]).toEqual([type, []]);
      expect(s.only("aws_ecs_service").load_balancer).toBeUndefined();
    }
  });

  test("the queue URL is in the container environment", () => {
    const c = (JSON.parse(canary.only("aws_ecs_task_definition").container_definitions as string) as Json[])[0]!;
    expect(c.environment).toContainEqual({ name: "QUEUE_URL", value: boot(canary, "queue_url") });
    expect(c.environment).toContainEqual({ name: "LANE", value: "canary" });
  });

  test("the canary runs a fixed capacity of 1; default scales on backlog per task", () => {
    expect(canary.only("aws_ecs_service").desired_count).toBe(1);
    expect(canary.resources("aws_appautoscaling_policy")).toEqual([]);
    const policy = def.only("aws_appautoscaling_policy");
    const spec = (policy.target_tracking_scaling_policy_configuration as Json).customized_metric_specification as Json;
    const metrics = spec.metrics as Json[];
    expect((policy.target_tracking_scaling_policy_configuration as Json).target_value).toBe(100);
    expect(metrics.map((m) => m.id)).toEqual(["visible", "running", "backlog_per_task"]);
    expect(metrics[2]).toMatchObject({ expression: "visible / IF(running > 0, running, 1)", return_data: true });
    expect((metrics[0]!.metric_stat as Json).metric).toEqual({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: [{ name: "QueueName", value: boot(def, "queue_name") }],
    });
    expect(((metrics[1]!.metric_stat as Json).metric as Json).metric_name).toBe("RunningTaskCount");
  });

  test("alarms: dead letters, oldest message age, error log lines of the lane, running below desired", () => {
    const alarms = Object.fromEntries(canary.resources("aws_cloudwatch_metric_alarm").map(([, c]) => [c.alarm_name as string, c]));
    expect(Object.keys(alarms).sort()).toEqual([
      "order-worker-dev-canary-dead-letters",
      "order-worker-dev-canary-error-lines",
      "order-worker-dev-canary-oldest-message-age",
      "order-worker-dev-canary-running-below-desired",
    ]);
    expect(alarms["order-worker-dev-canary-dead-letters"]).toMatchObject({ metric_name: "ApproximateNumberOfMessagesVisible", threshold: 0, dimensions: { QueueName: boot(canary, "dead_letter_queue_name") } });
    expect(alarms["order-worker-dev-canary-oldest-message-age"]).toMatchObject({ metric_name: "ApproximateAgeOfOldestMessage", threshold: 600 });
    expect(alarms["order-worker-dev-canary-error-lines"]).toMatchObject({ namespace: "lanes/workers", threshold: 10, period: 300 });
    const filter = canary.resources("aws_cloudwatch_log_metric_filter").find(([, f]) => f.name === "order-worker-dev-canary-error-lines")![1];
    expect(filter).toMatchObject({ log_group_name: "/ecs/dev/order-worker", pattern: errorLinePattern("canary") });
    expect(filter.pattern).toBe('{ ($.level = "ERROR" || $.level = "error") && $.lane = "canary" }');
  });
});

describe("an http service has no queue", () => {
  test("boot-user-api-dev creates no SQS queue and outputs empty queue fields", () => {
    const s = synthBoot();
    expect(s.resources("aws_sqs_queue")).toEqual([]);
    expect(s.outputs()[BootOutputs.queueUrl.name]!.value).toBe("");
    expect(exampleParams().boot("user-api", "dev").kind).toBe("http");
  });
});
