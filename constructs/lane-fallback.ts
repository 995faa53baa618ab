import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { FallbackEnv, alarmEventPattern } from "../lib/fallback/event";
import type { serviceNames } from "../lib/naming";
import { arns } from "../lib/policies/arns";
import { servicePrincipalTrustPolicy } from "../lib/policies/trust";

export interface LaneFallbackProps {
  readonly names: ReturnType<typeof serviceNames>["fallback"];
  /** Directory holding the bundled handler (index.js), see lib/fallback/bundle.ts. */
  readonly bundleDir: string;
  /** The stack's region (the ALB's). */
  readonly region: string;
  /** `app/{name}/{id}`: the lanes' alarms' LoadBalancer dimension. */
  readonly loadBalancerArnSuffix: string;
  /** The listeners that carry lane rules (the routing listener, and the internal one for callers when there is one). */
  readonly listenerArns: readonly string[];
  readonly defaultTargetGroupArn: string;
  readonly logRetentionDays: number;
  /** The boot layer's protectSharedResources: the switch's log (what it decided, when) is kept like the service's. */
  readonly protect: boolean;
  /** The env's permissions boundary, which every role the bootstrap pipeline creates carries (lib/policies/roles.ts taskRoleBoundaryPolicy). */
  readonly boundary: { readonly account: string; readonly policyName: string };
}

/**
 * The per-hop fallback's trigger, one per http service: an EventBridge rule on the state changes
 * (ALARM, OK) of this ALB's lanes' healthy-hosts alarms (constructs/lane-alarms.ts), and the
 * Lambda it invokes, which points the lane's rules at default's target group (or a 503 for a
 * strict lane) while the lane has no healthy target and back on recovery (lib/fallback/handler.ts,
 * the same switch as `lanes fallback`). Lives in the boot layer because the ALB, its listeners
 * and the default group are the boot layer's, and a lane created later needs no change here: its
 * alarm matches by dimension, its rules by tag.
 *
 * The role: DescribeRules and DescribeTags on `*` (ELBv2 has no resource-level permission for
 * them), ModifyRule on this ALB's listener rules only, and writing to its own log group; within
 * the env's permissions boundary like every role the bootstrap pipeline creates.
 */
export class LaneFallback extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly rule: CloudwatchEventRule;
  readonly logGroup: CloudwatchLogGroup;
  readonly permission: LambdaPermission;

  constructor(scope: Construct, id: string, props: LaneFallbackProps) {
    super(scope, id);
    const { names } = props;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: names.logGroup,
      retentionInDays: props.logRetentionDays,
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    const partition = new DataAwsPartition(this, "partition");
    this.role = new IamRole(this, "role", {
      name: names.role.name,
      permissionsBoundary: arns.iamPolicy({ partition: partition.partition, account: props.boundary.account }, props.boundary.policyName),
      description: `runs ${names.function.name}: the per-hop fallback switch of the lanes on one ALB`,
      assumeRolePolicy: JSON.stringify(servicePrincipalTrustPolicy("lambda.amazonaws.com")),
    });
    // listener-rule/app/{name}/{id}/* : every rule of every listener of this ALB (built from its
    // ARN suffix, so the policy document holds no quoted function arguments).
    const rulesOfThisAlb = arns.elb({ partition: partition.partition, region: props.region, account: props.boundary.account }, `listener-rule/${props.loadBalancerArnSuffix}/*`);
    new IamRolePolicy(this, "policy", {
      role: this.role.name,
      name: "lane-fallback",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "FindLaneRules", Effect: "Allow", Action: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"], Resource: "*" },
          { Sid: "SwitchLaneRules", Effect: "Allow", Action: ["elasticloadbalancing:ModifyRule"], Resource: rulesOfThisAlb },
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
        ],
      }),
    });
    const code = new TerraformAsset(this, "code", { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, "function", {
      functionName: names.function.name,
      description: "per-hop fallback: a lane's rules forward to default (or 503 when strict) while its healthy-hosts alarm is in ALARM",
      role: this.role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: code.assetHash,
      timeout: 30,
      memorySize: 256,
      environment: {
        variables: {
          [FallbackEnv.listenerArns]: Fn.jsonencode(props.listenerArns),
          [FallbackEnv.defaultTargetGroupArn]: props.defaultTargetGroupArn,
          [FallbackEnv.loadBalancer]: props.loadBalancerArnSuffix,
        },
      },
      dependsOn: [this.logGroup],
    });
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: names.rule.name,
      description: `lane healthy-hosts alarms of ${names.function.name}'s ALB: ALARM or OK`,
      eventPattern: JSON.stringify(alarmEventPattern(props.loadBalancerArnSuffix)),
    });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: this.function.arn });
    this.permission = new LambdaPermission(this, "invoke", {
      statementId: "lane-health",
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
  }
}
