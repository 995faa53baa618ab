import type { Construct } from "constructs";
import { EdgeDistribution } from "../constructs/edge-distribution";
import { EdgeRejections } from "../constructs/edge-rejections";
import { BootState, InfraState } from "../constructs/layer-state";
import { RULES_METRIC_NAMESPACE, RulesSync } from "../constructs/rules-sync";
import { EdgeOutputs } from "../lib/contract";
import { bundleRulesSync } from "../lib/edge/bundle";
import { edgeNames, originSecretHeader } from "../lib/naming";
import type { EdgeConfig, InfraConfig } from "../lib/params/config";
import { useS3State } from "../lib/state";
import { LanesStack } from "./lanes-stack";

/**
 * `edge-{env}`: CloudFront in front of the env's http services, assigning each
 * request a lane at the edge (the ALB rules then forward by `tracestate`), with the rules kept in
 * DynamoDB and synced to the function's KeyValueStore on a schedule (with the signing keys the
 * sync rotates). Reads each origin's ALB from its boot state and the origin secret it sends from
 * infra's.
 */
export class EdgeStack extends LanesStack {
  readonly distribution: EdgeDistribution;
  readonly sync: RulesSync;
  readonly rejections: EdgeRejections;

  constructor(scope: Construct, infra: InfraConfig, edge: EdgeConfig, bundleRoot: string) {
    const names = edgeNames(edge.env);
    super(scope, names.stack, { infra, tags: { env: edge.env, service: "edge", lane: "shared" } });
    useS3State(this, infra.state, { layer: "edge", env: edge.env });
    const infraState = new InfraState(this, "infra", infra.state, edge.env);

    const origins = edge.origins.map((o) => {
      const boot = new BootState(this, `boot-${o.service}`, infra.state, edge.env, o.service);
      return {
        service: o.service,
        domainName: boot.albDnsName,
        https: o.boot.https !== undefined,
        port: o.boot.https?.port ?? o.boot.httpPort,
        pathPatterns: o.pathPatterns,
      };
    });
    this.distribution = new EdgeDistribution(this, "edge", {
      names,
      origins,
      defaultService: edge.defaultService,
      priceClass: edge.priceClass,
      aliases: edge.aliases,
      ...(edge.certificateArn ? { certificateArn: edge.certificateArn } : {}),
      functionSettings: { requireSigned: edge.requireSigned },
      originHeaders: edge.originSecret.sent.map((generation) => ({ name: originSecretHeader(generation), value: infraState.originSecret(generation) })),
    });
    this.sync = new RulesSync(this, "rules", {
      names,
      keyValueStoreArn: this.distribution.keyValueStore.arn,
      bundleDir: bundleRulesSync(bundleRoot),
      everyMinutes: edge.syncMinutes,
      keyRotationDays: edge.keyRotationDays,
    });
    this.rejections = new EdgeRejections(this, "rejections", {
      logGroupName: names.viewerRequestLogGroup,
      metricFilterName: names.rejectedMetricFilter,
      namespace: RULES_METRIC_NAMESPACE,
      retentionDays: 30,
      provider: this.providerIn("us-east-1"),
    });

    this.declareOutputs(EdgeOutputs, {
      distributionDomainName: this.distribution.distribution.domainName,
      keyValueStoreArn: this.distribution.keyValueStore.arn,
      rulesTableName: this.sync.table.name,
      rulesSyncFunctionName: this.sync.function.functionName,
      originSecretGenerations: edge.originSecret.sent.map(String),
    });
  }
}
