import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { WORKER_METRICS_NAMESPACE, type laneNames } from "../lib/naming";
import type { AlarmThresholds } from "../lib/params/config";

export interface LaneAlarmsProps {
  /** Alarm names, from the naming module. */
  readonly names: ReturnType<typeof laneNames>["alarms"];
  readonly thresholds: AlarmThresholds;
  readonly topicArn: string;
  readonly clusterName: string;
  readonly ecsServiceName: string;
  /** ALB metrics; none for a service without a load balancer. */
  readonly loadBalancer?: { readonly arnSuffix: string; readonly targetGroupArnSuffix: string };
  /** A worker's queue metrics and error log lines. */
  readonly worker?: {
    readonly queueName: string;
    readonly deadLetterQueueName: string;
    readonly logGroupName: string;
    readonly lane: string;
    readonly oldestMessageAgeSeconds: number;
    readonly errorLogLines: number;
    /** Metric of the lane's processed messages (processedLinePattern), for the canary's relative judgement. */
    readonly processedMetricName: string;
  };
}

/**
 * Log lines counted as a lane's errors: JSON lines with `level` ERROR and `lane` the lane. A
 * CloudWatch metric filter sees every stream of the group and cannot select a stream prefix,
 * so workers log the LANE the platform puts in their environment.
 */
export function errorLinePattern(lane: string): string {
  return `{ ($.level = "ERROR" || $.level = "error") && $.lane = "${lane}" }`;
}

/**
 * Log lines counted as the lane's processed messages (one per message handled, whatever the
 * outcome): JSON lines with `event` "processed" and `lane` the lane. With the error lines they
 * give the errors per message processed that the worker canary compares with default's.
 */
export function processedLinePattern(lane: string): string {
  return `{ $.event = "processed" && $.lane = "${lane}" }`;
}

/**
 * A lane's alarms, notifying the service's topic:
 * - target 5xx rate: 100 × HTTPCode_Target_5XX_Count / RequestCount over the window, above the threshold;
 * - fewer running than desired tasks (Container Insights) for N consecutive minutes;
 * - healthy targets below the minimum;
 * - any unhealthy target (UnHealthyHostCount of the lane's own target group) for two minutes.
 * The 5xx-rate and unhealthy-target alarms are also the lane's ECS deployment alarms
 * (`deploymentAlarms`): a deploy that trips one is rolled back by ECS.
 */
export class LaneAlarms extends Construct {
  readonly errorRate?: CloudwatchMetricAlarm;
  readonly runningBelowDesired: CloudwatchMetricAlarm;
  readonly unhealthy?: CloudwatchMetricAlarm;
  readonly unhealthyHosts?: CloudwatchMetricAlarm;
  readonly deadLetters?: CloudwatchMetricAlarm;
  readonly oldestMessage?: CloudwatchMetricAlarm;
  readonly errorLines?: CloudwatchMetricAlarm;

  /** The alarms that roll back an ECS deployment of the lane (http lanes: 5xx rate, unhealthy targets). */
  get deploymentAlarms(): string[] {
    return [this.errorRate, this.unhealthyHosts].flatMap((a) => (a ? [a.alarmName] : []));
  }

  constructor(scope: Construct, id: string, props: LaneAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const actions = { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    const lb = props.loadBalancer;
    if (lb) {
      const dimensions = { LoadBalancer: lb.arnSuffix, TargetGroup: lb.targetGroupArnSuffix };
      const period = t.errorRateMinutes * 60;
      const elbMetric = (id: string, metricName: string) => ({
        id,
        returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period, stat: "Sum" },
      });
      this.errorRate = new CloudwatchMetricAlarm(this, "error-rate", {
        alarmName: props.names.errorRate,
        alarmDescription: `Target 5xx responses above ${t.errorRatePercent}% of requests over ${t.errorRateMinutes} minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.errorRatePercent,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        metricQuery: [
          elbMetric("m1", "HTTPCode_Target_5XX_Count"),
          elbMetric("m2", "RequestCount"),
          { id: "rate", expression: "IF(m2>0, 100*FILL(m1,0)/m2, 0)", label: "5xx rate (%)", returnData: true },
        ],
        ...actions,
      });
      this.unhealthy = new CloudwatchMetricAlarm(this, "healthy-hosts", {
        alarmName: props.names.healthyHosts,
        alarmDescription: `Fewer than ${t.minHealthyHosts} healthy targets`,
        namespace: "AWS/ApplicationELB",
        metricName: "HealthyHostCount",
        dimensions,
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 2,
        comparisonOperator: "LessThanThreshold",
        threshold: t.minHealthyHosts,
        treatMissingData: "breaching",
        ...actions,
      });
      this.unhealthyHosts = new CloudwatchMetricAlarm(this, "unhealthy-hosts", {
        alarmName: props.names.unhealthyHosts,
        alarmDescription: "Unhealthy targets in the lane's target group for 2 consecutive minutes",
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions,
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        ...actions,
      });
    }
    const w = props.worker;
    if (w) {
      this.deadLetters = new CloudwatchMetricAlarm(this, "dead-letters", {
        alarmName: props.names.deadLetters,
        alarmDescription: `Messages arrived in the dead-letter queue ${w.deadLetterQueueName}`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: w.deadLetterQueueName },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        ...actions,
      });
      this.oldestMessage = new CloudwatchMetricAlarm(this, "oldest-message", {
        alarmName: props.names.oldestMessage,
        alarmDescription: `Oldest message in ${w.queueName} older than ${w.oldestMessageAgeSeconds} s`,
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: w.queueName },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: "GreaterThanThreshold",
        threshold: w.oldestMessageAgeSeconds,
        treatMissingData: "notBreaching",
        ...actions,
      });
      const metricName = props.names.errorLines;
      new CloudwatchLogMetricFilter(this, "error-filter", {
        name: metricName,
        logGroupName: w.logGroupName,
        pattern: errorLinePattern(w.lane),
        metricTransformation: { name: metricName, namespace: WORKER_METRICS_NAMESPACE, value: "1", defaultValue: "0" },
      });
      new CloudwatchLogMetricFilter(this, "processed-filter", {
        name: w.processedMetricName,
        logGroupName: w.logGroupName,
        pattern: processedLinePattern(w.lane),
        metricTransformation: { name: w.processedMetricName, namespace: WORKER_METRICS_NAMESPACE, value: "1", defaultValue: "0" },
      });
      this.errorLines = new CloudwatchMetricAlarm(this, "error-lines", {
        alarmName: metricName,
        alarmDescription: `More than ${w.errorLogLines} ERROR lines from lane ${w.lane} in 5 minutes`,
        namespace: WORKER_METRICS_NAMESPACE,
        metricName,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: w.errorLogLines,
        treatMissingData: "notBreaching",
        ...actions,
      });
    }
    const ecsDimensions = { ClusterName: props.clusterName, ServiceName: props.ecsServiceName };
    const insight = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: { namespace: "ECS/ContainerInsights", metricName, dimensions: ecsDimensions, period: 60, stat: "Average" },
    });
    this.runningBelowDesired = new CloudwatchMetricAlarm(this, "running-below-desired", {
      alarmName: props.names.runningBelowDesired,
      alarmDescription: `Running tasks below desired for ${t.runningBelowDesiredPeriods} consecutive minutes`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: t.runningBelowDesiredPeriods,
      datapointsToAlarm: t.runningBelowDesiredPeriods,
      treatMissingData: "notBreaching",
      metricQuery: [
        insight("running", "RunningTaskCount"),
        insight("desired", "DesiredTaskCount"),
        { id: "missing", expression: "desired - running", label: "desired - running tasks", returnData: true },
      ],
      ...actions,
    });
  }
}
