import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { edgeNames } from "../lib/naming";
import { AlarmTopic } from "./alarm-topic";
import { servicePrincipalTrustPolicy } from "../lib/policies/trust";

export const RULES_METRIC_NAMESPACE = "lanes/edge";

export interface RulesSyncProps {
  readonly names: ReturnType<typeof edgeNames>;
  readonly keyValueStoreArn: string;
  /** Directory holding the bundled handler (index.js), see lib/edge/bundle.ts. */
  readonly bundleDir: string;
  readonly everyMinutes: number;
  /** The sync puts a new edge signing key first when the current one is this old. */
  readonly keyRotationDays: number;
}

/**
 * The lane rules master and its sync: a DynamoDB table holding the rules
 * (item `id = "active"`) and the signing keys (item `id = "keys"`), and a Lambda run on a schedule
 * (and on demand) that rotates the edge keys when due, copies the keys to the KeyValueStore,
 * validates the rules and writes them only when valid; invalid rules keep the last good ones at
 * the edge and notify the alarm topic (SNS message, `lanes/edge InvalidRules` alarm).
 */
export class RulesSync extends Construct {
  readonly table: DynamodbTable;
  readonly topic: SnsTopic;
  readonly function: LambdaFunction;
  readonly schedule: CloudwatchEventRule;
  /** The bundled handler's directory (index.js). */
  readonly bundleDir: string;

  constructor(scope: Construct, id: string, props: RulesSyncProps) {
    super(scope, id);
    const { names } = props;
    this.table = new DynamodbTable(this, "table", {
      name: names.rulesTable,
      billingMode: "PAY_PER_REQUEST",
      hashKey: names.rulesTableKey,
      attribute: [{ name: names.rulesTableKey, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
    this.topic = new AlarmTopic(this, "alarms", { name: names.alarmTopic }).topic;

    const logs = new CloudwatchLogGroup(this, "logs", { name: names.syncLogGroup, retentionInDays: 30 });
    // No aws:SourceAccount/aws:SourceArn here: Lambda assumes its execution role itself and
    // documents no source ARN for that (lib/policies/trust.ts); who may invoke the function is
    // limited by the invoke permission below (its rule's ARN).
    const role = new IamRole(this, "role", {
      name: names.syncRole.name,
      assumeRolePolicy: JSON.stringify(servicePrincipalTrustPolicy("lambda.amazonaws.com")),
    });
    new IamRolePolicy(this, "policy", {
      role: role.name,
      name: "rules-sync",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ReadRules", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: this.table.arn },
          {
            Sid: "RotateKeys",
            Effect: "Allow",
            Action: ["dynamodb:PutItem"],
            Resource: this.table.arn,
            Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [names.keysItem] } },
          },
          {
            Sid: "WriteEdgeRules",
            Effect: "Allow",
            Action: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:GetKey", "cloudfront-keyvaluestore:PutKey"],
            Resource: props.keyValueStoreArn,
          },
          { Sid: "Notify", Effect: "Allow", Action: ["sns:Publish"], Resource: this.topic.arn },
          {
            Sid: "Metric",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": RULES_METRIC_NAMESPACE } },
          },
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` },
        ],
      }),
    });

    this.bundleDir = props.bundleDir;
    const code = new TerraformAsset(this, "code", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      functionName: names.syncFunction,
      description: "validates the lane rules and writes them to the CloudFront KeyValueStore",
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 30,
      memorySize: 256,
      environment: {
        variables: {
          RULES_TABLE: this.table.name,
          KVS_ARN: props.keyValueStoreArn,
          ALARM_TOPIC_ARN: this.topic.arn,
          KEY_ROTATION_DAYS: String(props.keyRotationDays),
        },
      },
      dependsOn: [logs],
    });
    this.schedule = new CloudwatchEventRule(this, "schedule", {
      name: names.syncSchedule,
      description: "sync the lane rules to the edge",
      scheduleExpression: `rate(${props.everyMinutes} minute${props.everyMinutes === 1 ? "" : "s"})`,
    });
    new CloudwatchEventTarget(this, "target", { rule: this.schedule.name, arn: this.function.arn });
    new LambdaPermission(this, "invoke", {
      statementId: "schedule",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.schedule.arn,
    });

    // Either alarm: at least one bad 5-minute period notifies the topic.
    const atLeastOnce = {
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    };
    new CloudwatchMetricAlarm(this, "invalid-rules", {
      alarmName: names.invalidRulesAlarm,
      alarmDescription: "The lane rules in DynamoDB are invalid: the edge keeps the last good rules",
      namespace: RULES_METRIC_NAMESPACE,
      metricName: "InvalidRules",
      statistic: "Maximum",
      ...atLeastOnce,
    });
    new CloudwatchMetricAlarm(this, "sync-errors", {
      alarmName: names.syncErrorsAlarm,
      alarmDescription: "The rules sync failed (AWS error): the edge keeps the last rules it got",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.function.functionName },
      statistic: "Sum",
      ...atLeastOnce,
    });
  }
}
