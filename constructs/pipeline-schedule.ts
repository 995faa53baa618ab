import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { arns, type AccountContext } from "../lib/policies/arns";
import type { PolicyDocument } from "../lib/policies/document";
import { serviceTrustPolicy } from "../lib/policies/trust";

export interface PipelineScheduleProps {
  readonly ruleName: string;
  readonly role: { readonly name: string; readonly fullName: string };
  /** EventBridge schedule expression, e.g. `rate(1 hour)`. */
  readonly scheduleExpression: string;
  readonly pipeline: Codepipeline;
  readonly description: string;
  /** The pipeline's partition, region and account: the role trusts EventBridge for this rule only. */
  readonly account: AccountContext;
}

/** The role EventBridge starts the pipeline with: StartPipelineExecution on that one pipeline. */
export function scheduleRolePolicy(pipelineArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["codepipeline:StartPipelineExecution"], Resource: [pipelineArn] }] };
}

/** An EventBridge schedule that starts a pipeline (a run with the pipeline's default variables). */
export class PipelineSchedule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PipelineScheduleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.role.name,
      // EventBridge assumes it for this rule of this account only (aws:SourceArn is the rule's ARN,
      // built from its name: the rule's target references the role; lib/policies/trust.ts).
      assumeRolePolicy: JSON.stringify(
        serviceTrustPolicy({ service: "events.amazonaws.com", account: props.account.account, sourceArn: arns.eventRule(props.account, props.ruleName) }),
      ),
      tags: { Name: props.role.fullName },
    });
    new IamRolePolicy(this, "policy", { role: this.role.name, name: "start-pipeline", policy: JSON.stringify(scheduleRolePolicy(props.pipeline.arn)) });
    this.rule = new CloudwatchEventRule(this, "rule", { name: props.ruleName, description: props.description, scheduleExpression: props.scheduleExpression });
    new CloudwatchEventTarget(this, "target", { rule: this.rule.name, arn: props.pipeline.arn, roleArn: this.role.arn });
  }
}
