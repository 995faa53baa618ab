/**
 * The service dashboard (boot layer): its widgets find lanes with metric SEARCH expressions, so a
 * lane deployed after boot appears by itself, and they never show another service's target
 * groups. Which metrics an expression finds is decided by the documented search semantics
 * (helpers/metric-search.ts), over metrics named as AWS names them for lanes of this and other
 * services. `terraform validate` of the boot stacks (terraform-validate.test.ts) covers the resource.
 */
import { dashboardSearches } from "../constructs/service-dashboard";
import { laneNames, laneTargetGroupPrefix } from "../lib/naming";
import { finds, parseSearch, type Metric } from "./helpers/metric-search";
import { synthBoot } from "./helpers/stacks";

const ALB = "app/user-api-dev-alb/50dc6c495c0c9188";

interface Widget {
  readonly type: string;
  readonly properties: { readonly title: string; readonly region: string; readonly metrics: unknown[][] };
}

/** The dashboard's widgets, with the ALB's ARN suffix (a Terraform reference at synth) given a value. */
function widgetsOf(service: string): Widget[] {
  const dashboard = synthBoot(service).only("aws_cloudwatch_dashboard") as { dashboard_name: string; dashboard_body: string };
  const body = dashboard.dashboard_body.replace(/\$\{aws_lb\.[A-Za-z0-9_]+\.arn_suffix\}/g, ALB);
  expect(body).not.toContain("${");
  return (JSON.parse(body) as { widgets: Widget[] }).widgets;
}

function searchesOf(widgets: Widget[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of widgets) {
    for (const line of w.properties.metrics) {
      const last = line[line.length - 1] as { expression?: string; id?: string };
      if (last?.expression?.startsWith("SEARCH(") && last.id) out[last.id] = last.expression;
    }
  }
  return out;
}

const tg = (service: string, env: string, lane: string, lb: string): Metric => ({
  namespace: "AWS/ApplicationELB",
  metricName: "RequestCount",
  dimensions: { LoadBalancer: lb, TargetGroup: `targetgroup/${laneNames(service, env, lane).targetGroup.name}/0123456789abcdef` },
});
const defaultTg = (lb: string): Metric => ({ namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: { LoadBalancer: lb, TargetGroup: "targetgroup/user-api-dev-default-tg/aaaaaaaaaaaaaaaa" } });
const ecs = (cluster: string, service: string): Metric => ({ namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", dimensions: { ClusterName: cluster, ServiceName: service } });

describe("user-api's dashboard (http)", () => {
  const widgets = widgetsOf("user-api");
  const searches = searchesOf(widgets);

  test("one dashboard named {service}-{env}: requests, 5xx, p95 latency and running tasks per lane", () => {
    expect(synthBoot("user-api").only("aws_cloudwatch_dashboard").dashboard_name).toBe("user-api-dev");
    expect(widgets.map((w) => w.properties.title)).toEqual([
      "Requests per lane (target group)",
      "Target 5xx per lane, and % of all requests",
      "p95 target response time per lane (s)",
      "Running tasks per lane",
    ]);
    expect(widgets.every((w) => w.type === "metric" && w.properties.region === "ap-southeast-2")).toBe(true);
    expect(Object.keys(searches).sort()).toEqual(["all", "errors", "latency", "requests", "tasks"]);
  });

  test("the searches are well-formed: schema, statistic and period", () => {
    expect(parseSearch(searches.requests!)).toMatchObject({ namespace: "AWS/ApplicationELB", dimensionNames: ["LoadBalancer", "TargetGroup"], statistic: "Sum", period: 60 });
    expect(parseSearch(searches.errors!)).toMatchObject({ terms: expect.arrayContaining([{ property: "MetricName", value: "HTTPCode_Target_5XX_Count", exact: true }]), statistic: "Sum" });
    expect(parseSearch(searches.latency!)).toMatchObject({ terms: expect.arrayContaining([{ property: "MetricName", value: "TargetResponseTime", exact: true }]), statistic: "p95" });
    expect(parseSearch(searches.tasks!)).toMatchObject({ namespace: "ECS/ContainerInsights", dimensionNames: ["ClusterName", "ServiceName"], statistic: "Average" });
    // CloudWatch limits a search query to 1024 characters.
    for (const s of Object.values(searches)) expect(s.length).toBeLessThanOrEqual(1024);
  });

  test("they name the service's target groups by prefix and its load balancer exactly", () => {
    expect(parseSearch(searches.requests!).terms).toEqual([
      { property: "MetricName", value: "RequestCount", exact: true },
      { property: "LoadBalancer", value: ALB, exact: true },
      { property: "TargetGroup", value: "targetgroup/user-api-dev-", exact: false },
    ]);
  });

  test("every lane's target group is found, also a lane deployed after boot", () => {
    for (const metric of [defaultTg(ALB), tg("user-api", "dev", "gray", ALB), tg("user-api", "dev", "feature-x", ALB), tg("user-api", "dev", "a-lane-with-a-long-name-1", ALB)]) {
      expect([metric.dimensions.TargetGroup, finds(searches.requests!, metric)]).toEqual([metric.dimensions.TargetGroup, true]);
    }
  });

  test("no other service's target group is found, whatever its name", () => {
    const others = [
      tg("x-user-api", "dev", "gray", "app/x-user-api-dev-alb/1111111111111111"),
      tg("user-api-v2", "dev", "gray", "app/user-api-v2-dev-alb/2222222222222222"),
      tg("billing", "dev", "user-api-dev", "app/billing-dev-alb/3333333333333333"),
      tg("user-api", "prod", "gray", "app/user-api-prod-alb/4444444444444444"),
      // the same target group name on another load balancer
      tg("user-api", "dev", "gray", "app/user-api-dev-alb/5555555555555555"),
    ];
    for (const metric of others) expect([metric.dimensions.TargetGroup, metric.dimensions.LoadBalancer, finds(searches.requests!, metric)]).toEqual([metric.dimensions.TargetGroup, metric.dimensions.LoadBalancer, false]);
    // the load balancer's own RequestCount (no TargetGroup dimension) is not a lane
    expect(finds(searches.requests!, { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: { LoadBalancer: ALB } })).toBe(false);
  });

  test("each widget finds its own metric only", () => {
    const gray5xx = { ...tg("user-api", "dev", "gray", ALB), metricName: "HTTPCode_Target_5XX_Count" };
    expect([finds(searches.errors!, gray5xx), finds(searches.requests!, gray5xx), finds(searches.latency!, gray5xx)]).toEqual([true, false, false]);
  });

  test("running tasks: every lane's ECS service in the env's cluster, not other services' or envs'", () => {
    for (const lane of ["default", "gray", "feature-x"]) expect(finds(searches.tasks!, ecs("dev-cluster", laneNames("user-api", "dev", lane).ecsService))).toBe(true);
    for (const metric of [ecs("dev-cluster", "order-worker-dev-default"), ecs("dev-cluster", "user-api-v2-dev-gray"), ecs("prod-cluster", "user-api-prod-gray"), ecs("dev-cluster", "user-dev-api")]) {
      expect([metric.dimensions.ServiceName, finds(searches.tasks!, metric)]).toEqual([metric.dimensions.ServiceName, false]);
    }
  });

  test("known limit of token search (documented in the construct): an ECS service whose name holds `user-api-dev` after other words is found too", () => {
    expect(finds(searches.tasks!, ecs("dev-cluster", "x-user-api-dev-gray"))).toBe(true);
  });
});

test("a worker's dashboard: running tasks per lane and its queue, no load balancer widgets", () => {
  const widgets = widgetsOf("order-worker");
  expect(widgets.map((w) => w.properties.title)).toEqual(["Running tasks per lane", "Queue: visible and in-flight messages"]);
  const tasks = searchesOf(widgets).tasks!;
  expect(finds(tasks, ecs("dev-cluster", "order-worker-dev-canary"))).toBe(true);
  expect(finds(tasks, ecs("dev-cluster", "user-api-dev-canary"))).toBe(false);
});

test("a long service name: the target group head keeps whole words, so shortened and full target group names are both found", () => {
  const lb = "app/order-fulfilment-api-prod-4f1a2b/6666666666666666";
  const s = dashboardSearches({ clusterName: "prod-cluster", ecsServicePrefix: "order-fulfilment-api-prod", loadBalancer: { arnSuffix: lb, targetGroupPrefix: laneTargetGroupPrefix("order-fulfilment-api", "prod") } });
  const shortened = tg("order-fulfilment-api", "prod", "experiment-a", lb);
  const full = tg("order-fulfilment-api", "prod", "a", lb);
  expect(shortened.dimensions.TargetGroup).toMatch(/^targetgroup\/order-fulfilment-api-prod-[0-9a-f]{6}\//);
  expect([finds(s.requests!, shortened), finds(s.requests!, full)]).toEqual([true, true]);
});
