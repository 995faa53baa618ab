/**
 * What IAM accepts in a policy's Action and Resource elements (IAM User Guide, "IAM JSON policy
 * elements": Action, Resource): an action is `service:name`, its name letters and digits or a `*`
 * wildcard; a resource is `*` or an ARN, `arn:partition:service:region:account:resource`, its
 * account part empty (S3, IAM), twelve digits, or `aws` (AWS-owned resources: the CloudFront
 * prefix list). The simulator checks neither.
 */
export const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;
export const IAM_ARN = /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/;
