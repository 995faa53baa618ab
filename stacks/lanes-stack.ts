import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { OutputContract } from "../lib/contract";
import type { InfraConfig } from "../lib/params/config";

export const MANAGED_BY = "lanes";

/** Default tags every resource of a stack carries (provider default_tags). */
export interface StackTags {
  readonly env: string;
  readonly service: string;
  readonly lane: string;
}

export interface LanesStackProps {
  /** The env: region, and whether the provider skips AWS checks (offline plans). */
  readonly infra: Pick<InfraConfig, "region" | "skipAwsValidation">;
  readonly tags: StackTags;
}

/** A stack with the AWS provider, its region and the platform's default tags. */
export class LanesStack extends TerraformStack {
  readonly provider: AwsProvider;
  private readonly stackProps: LanesStackProps;

  constructor(scope: Construct, name: string, props: LanesStackProps) {
    super(scope, name);
    this.stackProps = props;
    this.provider = new AwsProvider(this, "aws", this.providerConfig(props.infra.region));
  }

  private providerConfig(region: string) {
    const props = this.stackProps;
    return {
      region,
      ...(props.infra.skipAwsValidation
        ? { skipCredentialsValidation: true, skipRequestingAccountId: true, skipMetadataApiCheck: "true", skipRegionValidation: true }
        : {}),
      defaultTags: [
        {
          tags: {
            env: props.tags.env,
            service: props.tags.service,
            lane: props.tags.lane,
            "managed-by": MANAGED_BY,
            stack: this.node.id,
          },
        },
      ],
    };
  }

  /** A second provider (alias = region) with the same settings and tags, for resources AWS keeps in one region (CloudFront's logs: us-east-1). */
  protected providerIn(region: string): AwsProvider {
    return new AwsProvider(this, `aws-${region}`, { ...this.providerConfig(region), alias: region });
  }

  /** Declares every output of the layer's contract at the stack root, under its contract name. */
  protected declareOutputs<C extends OutputContract>(contract: C, values: { readonly [K in keyof C]: unknown }): void {
    for (const [key, spec] of Object.entries(contract)) {
      new TerraformOutput(this, spec.name, {
        value: values[key as keyof C],
        description: spec.description,
        staticId: true,
        ...(spec.sensitive ? { sensitive: true } : {}),
      });
    }
  }
}
