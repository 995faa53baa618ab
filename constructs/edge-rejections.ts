import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { REJECTED_LOG_PREFIX } from "../packages/lane-context/src/protocol";

/** Metrics (namespace lanes/edge) counting what the viewer-request function refused, per kind. */
export const REJECTED_METRICS = {
  tester: "RejectedTesterTokens",
  user: "RejectedUserIds",
  cookie: "RejectedStickyCookies",
} as const;

export interface EdgeRejectionsProps {
  /** `/aws/cloudfront/function/{viewer-request function}`. */
  readonly logGroupName: string;
  readonly metricFilterName: string;
  readonly namespace: string;
  readonly retentionDays: number;
  /** us-east-1: CloudFront Functions log there, whatever the distribution serves. */
  readonly provider: AwsProvider;
}

/**
 * Counts the unsigned, badly signed and expired tester tokens, user ids and sticky cookies the
 * viewer-request function ignored: it logs one `lanes-rejected {what} {why}` line for each
 * (never the value), and a metric filter per kind turns the lines into a metric. The log group is
 * the one CloudFront Functions write to, created here with a retention.
 */
export class EdgeRejections extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly filters: CloudwatchLogMetricFilter[];

  constructor(scope: Construct, id: string, props: EdgeRejectionsProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "logs", { provider: props.provider, name: props.logGroupName, retentionInDays: props.retentionDays });
    this.filters = Object.entries(REJECTED_METRICS).map(
      ([what, metric]) =>
        new CloudwatchLogMetricFilter(this, what, {
          provider: props.provider,
          name: `${props.metricFilterName}-${what}`,
          logGroupName: this.logGroup.name,
          pattern: `"${REJECTED_LOG_PREFIX} ${what}"`,
          metricTransformation: { name: metric, namespace: props.namespace, value: "1", defaultValue: "0" },
        }),
    );
  }
}
