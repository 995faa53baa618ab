import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { OutputSpec } from "../lib/contract";

export const MANAGED_BY = "lanes";

/** Default tags every resource of a stack carries (provider default_tags). */
export interface StackTags {
  readonly env: string;
  readonly service: string;
  readonly lane: string;
}

export interface LanesStackProps {
  readonly region: string;
  readonly tags: StackTags;
}

/** A stack with the AWS provider, its region and the platform's default tags. */
export class LanesStack extends TerraformStack {
  readonly provider: AwsProvider;

  constructor(scope: Construct, name: string, props: LanesStackProps) {
    super(scope, name);
    this.provider = new AwsProvider(this, "aws", {
      region: props.region,
      defaultTags: [
        {
          tags: {
            env: props.tags.env,
            service: props.tags.service,
            lane: props.tags.lane,
            "managed-by": MANAGED_BY,
            stack: name,
          },
        },
      ],
    });
  }

  /** Declares a layer output at the stack root, under its contract name. */
  protected output(spec: OutputSpec, value: unknown): TerraformOutput {
    return new TerraformOutput(this, spec.name, { value, description: spec.description, staticId: true });
  }
}
