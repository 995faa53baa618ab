import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";

export interface ServiceDashboardProps {
  /** Dashboard name (lib/naming.ts serviceNames().dashboard). */
  readonly name: string;
  readonly region: string;
  /** The env's ECS cluster (Container Insights metrics carry its name). */
  readonly clusterName: string;
  /** `{service}-{env}`: every lane's ECS service is `{service}-{env}-{lane}`. */
  readonly ecsServicePrefix: string;
  /** An http service's load balancer: its ARN suffix (the CloudWatch LoadBalancer dimension) and the head of its lanes' target group names. */
  readonly loadBalancer?: { readonly arnSuffix: string; readonly targetGroupPrefix: string };
  /** A worker's queue (the CloudWatch QueueName dimension). */
  readonly queueName?: string;
}

/** The SEARCH expressions of the dashboard, one per widget line (exported for the tests). */
export interface DashboardSearches {
  readonly requests?: string;
  readonly errors5xx?: string;
  readonly latencyP95?: string;
  readonly runningTasks: string;
}

const PERIOD = 60;

/** A value for an exact-match term: `"` `\` `(` `)` escaped with a backslash (CloudWatch search syntax). */
function exact(value: string): string {
  return `"${value.replace(/["\\()]/g, (c) => `\\${c}`)}"`;
}

/**
 * The searches, built so that lanes are found by themselves and nothing else is:
 * - ALB metrics: `LoadBalancer` is matched exactly with the service's own ALB (every lane's
 *   target group hangs on it and on no other service's), and `TargetGroup` partially with the
 *   head of the lane target group names (`targetgroup/{service}-{env}`).
 * - Container Insights: `ClusterName` exactly, `ServiceName` partially with `{service}-{env}`.
 *   CloudWatch matches partial terms as consecutive name tokens, not as a prefix, so an ECS
 *   service of the same cluster whose name holds the same tokens after others (a service named
 *   `x-{service}`, or a lane named `{service}-{env}-…` of another service) would show here too;
 *   the naming rules (a service may not contain its env as a word) rule out every other case.
 */
export function dashboardSearches(props: Omit<ServiceDashboardProps, "name" | "region" | "queueName">): DashboardSearches {
  const lb = props.loadBalancer;
  // Partial terms match whole tokens: a head cut inside a word (a long name shortened to 32
  // characters) keeps only its whole words.
  const tgHead = lb ? (lb.targetGroupPrefix.endsWith("-") ? lb.targetGroupPrefix : lb.targetGroupPrefix.slice(0, lb.targetGroupPrefix.lastIndexOf("-") + 1)) : "";
  const alb = (metric: string, stat: string) =>
    `SEARCH('{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="${metric}" LoadBalancer=${exact(lb!.arnSuffix)} TargetGroup=targetgroup/${tgHead}', '${stat}', ${PERIOD})`;
  return {
    ...(lb
      ? {
          requests: alb("RequestCount", "Sum"),
          errors5xx: alb("HTTPCode_Target_5XX_Count", "Sum"),
          latencyP95: alb("TargetResponseTime", "p95"),
        }
      : {}),
    runningTasks: `SEARCH('{ECS/ContainerInsights,ClusterName,ServiceName} MetricName="RunningTaskCount" ClusterName=${exact(props.clusterName)} ServiceName=${props.ecsServicePrefix}', 'Average', ${PERIOD})`,
  };
}

type Widget = Record<string, unknown>;

/**
 * One CloudWatch dashboard per service (boot layer) whose widgets find the lanes by themselves
 * with metric SEARCH expressions, so a lane deployed later appears without redeploying boot:
 * requests, target 5xx (per lane, and the rate over all lanes: metric math cannot divide two
 * arrays of series pairwise), p95 latency and running tasks per lane; a worker's queue depth.
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly searches: DashboardSearches;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    this.searches = dashboardSearches(props);
    const s = this.searches;
    const widget = (title: string, x: number, y: number, metrics: unknown[][], extra: Record<string, unknown> = {}): Widget => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: "timeSeries", stacked: false, period: PERIOD, metrics, ...extra },
    });
    const search = (expression: string, id: string, extra: Record<string, unknown> = {}) => [{ expression, id, label: "", ...extra }];
    const widgets: Widget[] = [];
    if (s.requests && s.errors5xx && s.latencyP95) {
      widgets.push(
        widget("Requests per lane (target group)", 0, 0, [search(s.requests, "requests")]),
        widget("Target 5xx per lane, and % of all requests", 12, 0, [
          search(s.errors5xx, "errors"),
          search(s.requests, "all", { visible: false }),
          [{ expression: "IF(SUM(all)>0, 100*FILL(SUM(errors),0)/SUM(all), 0)", id: "rate", label: "5xx % (all lanes)", yAxis: "right" }],
        ]),
        widget("p95 target response time per lane (s)", 0, 6, [search(s.latencyP95, "latency")]),
      );
    }
    widgets.push(widget("Running tasks per lane", s.requests ? 12 : 0, s.requests ? 6 : 0, [search(s.runningTasks, "tasks")]));
    if (props.queueName) {
      widgets.push(
        widget("Queue: visible and in-flight messages", 12, 0, [
          ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", props.queueName, { stat: "Maximum" }],
          ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", props.queueName, { stat: "Maximum" }],
        ]),
      );
    }
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
