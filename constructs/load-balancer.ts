import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { FittedName } from "../lib/naming";
import type { HttpsListenerConfig } from "../lib/params/config";
import { DEFAULT_RULE_PRIORITY } from "../lib/routing";

export interface TargetGroupSettings {
  readonly vpcId: string;
  readonly port: number;
  readonly healthCheckPath: string;
}

/** An `ip` target group for Fargate tasks, named by the naming module (full name in tags). */
export function laneTargetGroup(scope: Construct, id: string, name: FittedName, settings: TargetGroupSettings): LbTargetGroup {
  return new LbTargetGroup(scope, id, {
    name: name.name,
    targetType: "ip",
    protocol: "HTTP",
    port: settings.port,
    vpcId: settings.vpcId,
    deregistrationDelay: "30",
    healthCheck: {
      enabled: true,
      path: settings.healthCheckPath,
      protocol: "HTTP",
      matcher: "200-399",
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    tags: { Name: name.fullName },
  });
}

export interface LoadBalancerProps {
  readonly name: FittedName;
  readonly defaultTargetGroupName: FittedName;
  readonly securityGroupName: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly internal: boolean;
  readonly httpPort: number;
  readonly https?: HttpsListenerConfig;
  readonly targetGroup: Omit<TargetGroupSettings, "vpcId">;
  readonly deletionProtection: boolean;
  /** prevent_destroy on the ALB and its listeners. */
  readonly protect: boolean;
  /**
   * Behind the edge: only CloudFront's origin-facing addresses reach the listener CloudFront uses,
   * the listener refuses requests without the origin secret header, and the default lane is
   * served by a rule requiring it (`defaultRuleName`, priority DEFAULT_RULE_PRIORITY).
   * @default open to 0.0.0.0/0 on the listener ports, every request forwarded
   */
  readonly edgeOnly?: { readonly prefixListId: string; readonly header: string; readonly secret: string; readonly defaultRuleName: string };
  /**
   * A plain HTTP listener for the services that call this one (lib/routing.ts callListener),
   * forwarding to the default target group; no ingress here: each caller's boot layer admits its
   * own task security group on this port. @default none (callers use the HTTP listener)
   */
  readonly internalListener?: { readonly port: number; readonly name: string };
  /** Access logs to this bucket under this prefix. @default no access logs */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
}

/** What the listener answers a request that did not come through the edge. */
export const REFUSED = { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } as const;

/**
 * The service's ALB: security group open only on the listener ports (an internal ALB: to no one
 * but the task security groups of the services that call it, added by their boot layers), an HTTP
 * listener (redirecting to HTTPS when a certificate is given), and the default target group
 * that serves the `default` lane and any request without a lane match. Behind the edge
 * (`edgeOnly`) the security group admits CloudFront's prefix list on the routing listener's port
 * only (its weight, about 55 entries, counts against the 60 rules of a security group: one
 * reference, not one per listener), and the default target group is reached only with the
 * origin secret header.
 */
export class LoadBalancer extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly alb: Lb;
  readonly defaultTargetGroup: LbTargetGroup;
  readonly httpListener: LbListener;
  readonly httpsListener?: LbListener;
  /** The listener that carries lane rules. */
  readonly routingListener: LbListener;
  /** The listener callers use when the routing listener is closed to them (it carries a copy of each lane rule). */
  readonly internalListener?: LbListener;
  /** Behind the edge: the rule forwarding requests with the origin secret to the default target group. */
  readonly defaultRule?: LbListenerRule;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const lifecycle = props.protect ? { preventDestroy: true } : undefined;

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: props.securityGroupName,
      description: `ALB ${props.name.fullName}: listener ports only`,
      vpcId: props.vpcId,
      tags: { Name: props.securityGroupName },
    });
    const routingPort = props.https ? props.https.port : props.httpPort;
    // An internal ALB (not behind the edge) admits only the services that declare it in `calls`:
    // each caller's boot layer adds its task security group (constructs/call-path.ts).
    const ports = props.edgeOnly ? [routingPort] : props.internal ? [] : [props.httpPort, ...(props.https ? [props.https.port] : [])];
    for (const port of ports) {
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...(props.edgeOnly
          ? { description: `listener ${port}, CloudFront only`, prefixListId: props.edgeOnly.prefixListId }
          : { description: `listener ${port}`, cidrIpv4: "0.0.0.0/0" }),
      });
    }

    this.alb = new Lb(this, "alb", {
      name: props.name.name,
      loadBalancerType: "application",
      internal: props.internal,
      securityGroups: [this.securityGroup.id],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection,
      ...(props.accessLogs ? { accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true } } : {}),
      tags: { Name: props.name.fullName },
      lifecycle,
    });

    this.defaultTargetGroup = laneTargetGroup(this, "default-tg", props.defaultTargetGroupName, {
      ...props.targetGroup,
      vpcId: props.vpcId,
    });

    const forwardDefault = [{ type: "forward", targetGroupArn: this.defaultTargetGroup.arn }];
    // Behind the edge, the listener's own default refuses; the rule below forwards edge traffic.
    const listenerDefault = props.edgeOnly ? [{ type: "fixed-response", fixedResponse: { ...REFUSED } }] : forwardDefault;
    this.httpListener = new LbListener(this, "http", {
      loadBalancerArn: this.alb.arn,
      port: props.httpPort,
      protocol: "HTTP",
      defaultAction: props.https
        ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(props.https.port), statusCode: "HTTP_301" } }]
        : listenerDefault,
      lifecycle,
    });
    if (props.https) {
      this.httpsListener = new LbListener(this, "https", {
        loadBalancerArn: this.alb.arn,
        port: props.https.port,
        protocol: "HTTPS",
        certificateArn: props.https.certificateArn,
        sslPolicy: props.https.sslPolicy,
        defaultAction: listenerDefault,
        lifecycle,
      });
    }
    this.routingListener = this.httpsListener ?? this.httpListener;
    if (props.internalListener) {
      this.internalListener = new LbListener(this, "internal", {
        loadBalancerArn: this.alb.arn,
        port: props.internalListener.port,
        protocol: "HTTP",
        defaultAction: forwardDefault,
        tags: { Name: props.internalListener.name },
        lifecycle,
      });
    }
    if (props.edgeOnly) {
      this.defaultRule = new LbListenerRule(this, "default-rule", {
        listenerArn: this.routingListener.arn,
        priority: DEFAULT_RULE_PRIORITY,
        condition: [{ httpHeader: { httpHeaderName: props.edgeOnly.header, values: [props.edgeOnly.secret] } }],
        action: forwardDefault,
        tags: { Name: props.edgeOnly.defaultRuleName },
      });
    }
  }
}
