/**
 * A CloudWatch "Alarm State Change" event as EventBridge delivers it, shaped as in the CloudWatch
 * User Guide ("Alarm events and EventBridge", single metric alarm), with the values of user-api's
 * gray healthy-hosts alarm in dev: the fallback handler's input in its tests.
 */
import type { AlarmStateChangeEvent } from "../../lib/fallback/event";

/** A healthy-hosts alarm of user-api's gray lane changing state (the documented event, our alarm's values). */
export function alarmEvent(state: "ALARM" | "OK" | "INSUFFICIENT_DATA", overrides: { metrics?: unknown[]; previous?: string } = {}): AlarmStateChangeEvent {
  return {
    version: "0",
    id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: "123456789012",
    time: "2026-12-02T14:04:40Z",
    region: "ap-southeast-2",
    resources: ["arn:aws:cloudwatch:ap-southeast-2:123456789012:alarm:user-api-dev-gray-healthy-hosts"],
    detail: {
      alarmName: "user-api-dev-gray-healthy-hosts",
      configuration: {
        description: "Fewer than 1 healthy targets",
        metrics: overrides.metrics ?? [
          {
            id: "30b6c6b2-a864-43a2-4877-c09a1afc3b87",
            metricStat: {
              metric: {
                dimensions: { LoadBalancer: "app/user-api-dev-alb/50dc6c495c0c9188", TargetGroup: "targetgroup/user-api-dev-gray-tg/6d0ecf831eec9f09" },
                name: "HealthyHostCount",
                namespace: "AWS/ApplicationELB",
              },
              period: 60,
              stat: "Minimum",
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason: "Threshold Crossed: 2 out of the last 2 datapoints were not less than the threshold (1.0).",
        reasonData: '{"version":"1.0","queryDate":"2026-12-02T14:02:40.985+0000","statistic":"Minimum","period":60,"recentDatapoints":[1.0,1.0],"threshold":1.0}',
        timestamp: "2026-12-02T14:02:40.985+0000",
        value: overrides.previous ?? (state === "OK" ? "ALARM" : "OK"),
      },
      state: {
        reason: "Threshold Crossed: 2 out of the last 2 datapoints [0.0 (02/12/26 14:03:00), 0.0 (02/12/26 14:02:00)] were less than the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition).",
        reasonData: '{"version":"1.0","queryDate":"2026-12-02T14:04:40.985+0000","statistic":"Minimum","period":60,"recentDatapoints":[0.0,0.0],"threshold":1.0}',
        timestamp: "2026-12-02T14:04:40.985+0000",
        value: state,
      },
    },
  } as AlarmStateChangeEvent;
}
