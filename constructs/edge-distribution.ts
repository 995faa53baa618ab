import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontKeyValueStore } from "@cdktf/provider-aws/lib/cloudfront-key-value-store";
import { CloudfrontkeyvaluestoreKey } from "@cdktf/provider-aws/lib/cloudfrontkeyvaluestore-key";
import { Construct } from "constructs";
import { edgeFunctionCode, type EdgeFunctionSettings } from "../lib/edge/function-code";
import type { edgeNames } from "../lib/naming";

/** AWS managed policies: no caching (lanes differ per user), and every viewer header to the origin (tracestate, traceparent, cookies). */
export const CACHING_DISABLED_POLICY = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const ALL_VIEWER_ORIGIN_REQUEST_POLICY = "216adef6-5c7f-47e4-b989-5492eafa07d3";

/** Rules the store starts with: everyone in `default`, until the rules sync writes the real ones. */
export const INITIAL_RULES = { version: 1, lanes: ["default"] };

export interface EdgeOrigin {
  readonly service: string;
  readonly domainName: string;
  readonly https: boolean;
  readonly port: number;
  readonly pathPatterns: readonly string[];
}

/** A header CloudFront adds to every origin request (the origin secret). */
export interface OriginHeader {
  readonly name: string;
  readonly value: string;
}

export interface EdgeDistributionProps {
  readonly names: ReturnType<typeof edgeNames>;
  readonly origins: readonly EdgeOrigin[];
  readonly defaultService: string;
  readonly priceClass: string;
  readonly aliases: readonly string[];
  readonly certificateArn?: string;
  /** Written into the functions' code (edge-{env}.json). */
  readonly functionSettings: EdgeFunctionSettings;
  /** Added to every origin request: the origin secret's generations CloudFront sends. @default none */
  readonly originHeaders?: readonly OriginHeader[];
}

/**
 * CloudFront in front of the services' ALBs: the viewer-request function assigns the
 * lane from the rules in the KeyValueStore and writes `tracestate: ctx=lane:{lane}` (the ALB rules
 * route on it); the viewer-response function makes the assignment sticky with a signed cookie.
 * Every origin request carries the origin secret headers, which the ALBs require.
 */
export class EdgeDistribution extends Construct {
  readonly keyValueStore: CloudfrontKeyValueStore;
  readonly viewerRequest: CloudfrontFunction;
  readonly viewerResponse: CloudfrontFunction;
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const { names } = props;
    this.keyValueStore = new CloudfrontKeyValueStore(this, "rules", { name: names.keyValueStore, comment: "lane rules (written by the rules sync)" });
    new CloudfrontkeyvaluestoreKey(this, "initial-rules", {
      keyValueStoreArn: this.keyValueStore.arn,
      key: "rules",
      value: JSON.stringify(INITIAL_RULES),
      // The rules sync owns the value from then on.
      lifecycle: { ignoreChanges: ["value"] },
    });
    this.viewerRequest = new CloudfrontFunction(this, "viewer-request", {
      name: names.viewerRequestFunction,
      runtime: "cloudfront-js-2.0",
      comment: "assign the lane: tracestate ctx=lane:{lane}",
      code: edgeFunctionCode("viewer-request", props.functionSettings),
      publish: true,
      keyValueStoreAssociations: [this.keyValueStore.arn],
    });
    this.viewerResponse = new CloudfrontFunction(this, "viewer-response", {
      name: names.viewerResponseFunction,
      runtime: "cloudfront-js-2.0",
      comment: "sticky lane cookie",
      code: edgeFunctionCode("viewer-response", props.functionSettings),
      publish: true,
    });

    const behavior = (service: string) => ({
      targetOriginId: service,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: CACHING_DISABLED_POLICY,
      originRequestPolicyId: ALL_VIEWER_ORIGIN_REQUEST_POLICY,
      functionAssociation: [
        { eventType: "viewer-request", functionArn: this.viewerRequest.arn },
        { eventType: "viewer-response", functionArn: this.viewerResponse.arn },
      ],
    });
    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: names.distributionComment,
      priceClass: props.priceClass,
      isIpv6Enabled: true,
      ...(props.aliases.length > 0 ? { aliases: [...props.aliases] } : {}),
      origin: props.origins.map((o) => ({
        originId: o.service,
        domainName: o.domainName,
        customOriginConfig: {
          httpPort: o.https ? 80 : o.port,
          httpsPort: o.https ? o.port : 443,
          originProtocolPolicy: o.https ? "https-only" : "http-only",
          originSslProtocols: ["TLSv1.2"],
        },
        ...(props.originHeaders && props.originHeaders.length > 0 ? { customHeader: props.originHeaders.map((h) => ({ name: h.name, value: h.value })) } : {}),
      })),
      defaultCacheBehavior: behavior(props.defaultService),
      orderedCacheBehavior: props.origins.flatMap((o) => o.pathPatterns.map((pathPattern) => ({ ...behavior(o.service), pathPattern }))),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: props.certificateArn
        ? { acmCertificateArn: props.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
        : { cloudfrontDefaultCertificate: true },
    });
  }
}
