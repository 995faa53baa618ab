/**
 * Who may write AWS's own logs into the env's log bucket (lib/policies/log-delivery.ts), from
 * the ELB and VPC Flow Logs guides. The ELB accounts are written out as hashicorp/aws 5.100.0's
 * `aws_elb_service_account` data source gives them (elb-accounts.test.ts asks the provider
 * itself for each region of the table); the statements as the guides write them.
 */
import {
  ELB_LOG_DELIVERY_ACCOUNTS,
  ELB_LOG_DELIVERY_SERVICE,
  LOG_DELIVERY_SERVICE,
  accessLogGrants,
  elbLogDeliveryPrincipal,
  flowLogGrants,
  partitionOf,
} from "../../lib/policies/log-delivery";

const BUCKET = "arn:aws:s3:::lanes-logs-dev-123456789012";

test("the ELB log delivery account of each region available before August 2022", () => {
  expect(ELB_LOG_DELIVERY_ACCOUNTS).toEqual({
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
  });
});

test("the service principals, as the guides name them", () => {
  expect([ELB_LOG_DELIVERY_SERVICE, LOG_DELIVERY_SERVICE]).toEqual(["logdelivery.elasticloadbalancing.amazonaws.com", "delivery.logs.amazonaws.com"]);
});

test.each([
  ["ap-southeast-2", "aws"],
  ["us-east-1", "aws"],
  ["cn-north-1", "aws-cn"],
  ["cn-northwest-1", "aws-cn"],
  ["us-gov-west-1", "aws-us-gov"],
  ["us-gov-east-1", "aws-us-gov"],
  // Only the prefix counts: a region named like "us-govx" or "cnx" would be a commercial one.
  ["us-east-gov-1", "aws"],
])("the partition of %s is %s", (region, partition) => {
  expect(partitionOf(region)).toBe(partition);
});

describe("who writes ALB access logs", () => {
  test("a region before August 2022: its ELB account's root, in the region's partition", () => {
    expect(elbLogDeliveryPrincipal("ap-southeast-2")).toEqual({ type: "AWS", identifiers: ["arn:aws:iam::783225319266:root"] });
    expect(elbLogDeliveryPrincipal("cn-north-1")).toEqual({ type: "AWS", identifiers: ["arn:aws-cn:iam::638102146993:root"] });
    expect(elbLogDeliveryPrincipal("us-gov-west-1")).toEqual({ type: "AWS", identifiers: ["arn:aws-us-gov:iam::048591011584:root"] });
  });
  test("a newer region (Hyderabad, Tel Aviv): the log delivery service principal", () => {
    expect(elbLogDeliveryPrincipal("ap-south-2")).toEqual({ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] });
    expect(elbLogDeliveryPrincipal("il-central-1")).toEqual({ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] });
  });
  test("the grant: PutObject under {prefix}/*/AWSLogs/{account}/ only", () => {
    expect(accessLogGrants(BUCKET, "alb", "ap-southeast-2", "123456789012")).toEqual([
      {
        sid: "AlbAccessLogs",
        effect: "Allow",
        actions: ["s3:PutObject"],
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::783225319266:root"] }],
        resources: ["arn:aws:s3:::lanes-logs-dev-123456789012/alb/*/AWSLogs/123456789012/*"],
      },
    ]);
  });
});

test("VPC flow logs: delivery.logs writes with the owner's ACL under {prefix}/AWSLogs/{account}/, and reads the ACL, for this account's logs only", () => {
  const fromThisAccount = [
    { test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] },
    { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:logs:ap-southeast-2:123456789012:*"] },
  ];
  const principals = [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }];
  expect(flowLogGrants(BUCKET, "flow", "ap-southeast-2", "123456789012")).toEqual([
    {
      sid: "FlowLogsWrite",
      effect: "Allow",
      actions: ["s3:PutObject"],
      principals,
      resources: ["arn:aws:s3:::lanes-logs-dev-123456789012/flow/AWSLogs/123456789012/*"],
      condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }, ...fromThisAccount],
    },
    { sid: "FlowLogsAclCheck", effect: "Allow", actions: ["s3:GetBucketAcl"], principals, resources: ["arn:aws:s3:::lanes-logs-dev-123456789012"], condition: fromThisAccount },
  ]);
  // In China the source ARN is in aws-cn.
  expect(flowLogGrants(BUCKET, "flow", "cn-north-1", "123456789012")[0]!.condition![2]!.values).toEqual(["arn:aws-cn:logs:cn-north-1:123456789012:*"]);
});
