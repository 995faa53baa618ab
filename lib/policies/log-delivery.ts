/**
 * Who writes AWS's own logs into the env's log bucket, per the ELB and VPC Flow Logs guides:
 *
 * - ALB access logs: in regions available before August 2022 the region's Elastic Load Balancing
 *   account (`arn:{partition}:iam::{account}:root`); in newer regions the service principal
 *   `logdelivery.elasticloadbalancing.amazonaws.com`. ALB access logs take SSE-S3 only.
 * - VPC flow logs to S3: the log delivery service principal `delivery.logs.amazonaws.com`, held
 *   to the account by `aws:SourceAccount` and `aws:SourceArn`.
 *
 * The accounts are those of hashicorp/aws's `aws_elb_service_account` data source (read locally,
 * never from AWS), so a synth shows the exact principal.
 */

/** A bucket policy statement in the shape of data.aws_iam_policy_document's `statement`. */
export interface GrantStatement {
  readonly sid: string;
  readonly effect: "Allow";
  readonly actions: string[];
  readonly principals: { type: string; identifiers: string[] }[];
  readonly resources: string[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

/** Elastic Load Balancing's log delivery account per region (regions before August 2022). */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-south-1": "718504428378",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "eu-south-1": "635631232127",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-gov-east-1": "190560391635",
  "us-gov-west-1": "048591011584",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
};

/** The service principal ALBs of newer regions deliver access logs as. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";
/** The service principal VPC flow logs (and other vended logs) are delivered to S3 as. */
export const LOG_DELIVERY_SERVICE = "delivery.logs.amazonaws.com";

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface Principal {
  readonly type: "AWS" | "Service";
  readonly identifiers: readonly string[];
}

/** The principal that writes ALB access logs in `region`. */
export function elbLogDeliveryPrincipal(region: string): Principal {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  return account
    ? { type: "AWS", identifiers: [`arn:${partitionOf(region)}:iam::${account}:root`] }
    : { type: "Service", identifiers: [ELB_LOG_DELIVERY_SERVICE] };
}

/** Bucket policy statements letting the region's ALBs write access logs under `{prefix}/*\/AWSLogs/{account}/`. */
export function accessLogGrants(bucketArn: string, prefix: string, region: string, account: string): GrantStatement[] {
  const principal = elbLogDeliveryPrincipal(region);
  return [
    {
      sid: "AlbAccessLogs",
      effect: "Allow",
      actions: ["s3:PutObject"],
      principals: [{ type: principal.type, identifiers: [...principal.identifiers] }],
      resources: [`${bucketArn}/${prefix}/*/AWSLogs/${account}/*`],
    },
  ];
}

/** Bucket policy statements letting this account's VPC flow logs be written under `{prefix}/AWSLogs/{account}/`. */
export function flowLogGrants(bucketArn: string, prefix: string, region: string, account: string): GrantStatement[] {
  const fromThisAccount = [
    { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
    { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${partitionOf(region)}:logs:${region}:${account}:*`] },
  ];
  const principals = [{ type: "Service", identifiers: [LOG_DELIVERY_SERVICE] }];
  return [
    {
      sid: "FlowLogsWrite",
      effect: "Allow",
      actions: ["s3:PutObject"],
      principals,
      resources: [`${bucketArn}/${prefix}/AWSLogs/${account}/*`],
      condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, ...fromThisAccount],
    },
    { sid: "FlowLogsAclCheck", effect: "Allow", actions: ["s3:GetBucketAcl"], principals, resources: [bucketArn], condition: fromThisAccount },
  ];
}
