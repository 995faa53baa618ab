/**
 * Deterministic stand-ins for the ids AWS assigns (vpc-…, sg-…, load balancer ids, Cloud Map
 * ids): derived from what the resource belongs to, so the same resource always has the same ARN
 * and another env's or service's resource a different one.
 */
import { createHash } from "node:crypto";
import { infraNames, laneNames, serviceNames } from "../../naming";
import { arns } from "../arns";
import type { NeedContext } from "./types";

export function fakeHex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  return out.slice(0, length);
}

const ec2Id = (prefix: string, seed: string) => `${prefix}-${fakeHex(seed, 17)}`;

/** Ids of the env's network (infra). */
export const infraIds = {
  vpc: (c: NeedContext) => ec2Id("vpc", `${c.env}/vpc`),
  subnet: (c: NeedContext) => ec2Id("subnet", `${c.env}/private-0`),
  routeTable: (c: NeedContext) => ec2Id("rtb", `${c.env}/private-rt-0`),
  internetGateway: (c: NeedContext) => ec2Id("igw", `${c.env}/igw`),
  elasticIp: (c: NeedContext) => ec2Id("eipalloc", `${c.env}/nat-eip-0`),
  natGateway: (c: NeedContext) => ec2Id("nat", `${c.env}/nat-0`),
  namespace: (c: NeedContext) => `ns-${fakeHex(`${c.env}/namespace`, 16)}`,
  flowLog: (c: NeedContext) => `fl-${fakeHex(`${c.env}/flow-log`, 17)}`,
  /** The log bucket: its bucket_prefix and the suffix AWS adds (a timestamp and a counter). */
  logBucket: (c: NeedContext) => `${infraNames(c.env).logBucketPrefix}20261202070000000000000001`,
  /** CloudFront's origin-facing prefix list (AWS-owned; its id differs per region). */
  cloudfrontPrefixList: (c: NeedContext) => `pl-${fakeHex(`${c.region}/cloudfront`, 8)}`,
  hostedZone: (c: NeedContext) => `Z${fakeHex(`${c.env}/zone`, 20).toUpperCase()}`,
};

/** ARNs of a service's access layer (boot), named by AWS-generated ids. */
export const bootArns = {
  loadBalancer: (c: NeedContext) => {
    const alb = serviceNames(c.service, c.env).alb.name;
    return arns.elb(c, `loadbalancer/app/${alb}/${fakeHex(`${c.env}/${c.service}/alb`, 16)}`);
  },
  listener: (c: NeedContext) => {
    const alb = serviceNames(c.service, c.env).alb.name;
    return arns.elb(c, `listener/app/${alb}/${fakeHex(`${c.env}/${c.service}/alb`, 16)}/${fakeHex(`${c.env}/${c.service}/http`, 16)}`);
  },
  defaultTargetGroup: (c: NeedContext) =>
    arns.elb(c, `targetgroup/${serviceNames(c.service, c.env).defaultTargetGroup.name}/${fakeHex(`${c.env}/${c.service}/default-tg`, 16)}`),
  taskSecurityGroup: (c: NeedContext) => arns.ec2(c, "security-group", ec2Id("sg", `${c.env}/${c.service}/task-sg`)),
  ingressRule: (c: NeedContext) => arns.ec2(c, "security-group-rule", ec2Id("sgr", `${c.env}/${c.service}/task-sg/from-alb`)),
  cloudMapService: (c: NeedContext) => arns.cloudMapService(c, `srv-${fakeHex(`${c.env}/${c.service}/registry`, 16)}`),
  /** The rule forwarding edge traffic to the default target group (a service behind the edge). */
  defaultRule: (c: NeedContext) => {
    const alb = serviceNames(c.service, c.env).alb.name;
    const lb = fakeHex(`${c.env}/${c.service}/alb`, 16);
    const listener = fakeHex(`${c.env}/${c.service}/http`, 16);
    return arns.elb(c, `listener-rule/app/${alb}/${lb}/${listener}/${fakeHex(`${c.env}/${c.service}/default-rule`, 16)}`);
  },
};

/** ARNs of one lane's resources named by AWS-generated ids. */
export const laneArns = {
  targetGroup: (c: NeedContext) =>
    arns.elb(c, `targetgroup/${laneNames(c.service, c.env, c.lane).targetGroup.name}/${fakeHex(`${c.env}/${c.service}/${c.lane}/tg`, 16)}`),
  listenerRule: (c: NeedContext) => {
    const alb = serviceNames(c.service, c.env).alb.name;
    const lb = fakeHex(`${c.env}/${c.service}/alb`, 16);
    const listener = fakeHex(`${c.env}/${c.service}/http`, 16);
    return arns.elb(c, `listener-rule/app/${alb}/${lb}/${listener}/${fakeHex(`${c.env}/${c.service}/${c.lane}/rule`, 16)}`);
  },
  /** The weighted catch-all rule of the lane while it is ramped. */
  rampRule: (c: NeedContext) => {
    const alb = serviceNames(c.service, c.env).alb.name;
    const lb = fakeHex(`${c.env}/${c.service}/alb`, 16);
    const listener = fakeHex(`${c.env}/${c.service}/http`, 16);
    return arns.elb(c, `listener-rule/app/${alb}/${lb}/${listener}/${fakeHex(`${c.env}/${c.service}/${c.lane}/ramp`, 16)}`);
  },
  scalableTarget: (c: NeedContext) => arns.scalableTarget(c, fakeHex(`${c.env}/${c.service}/${c.lane}/scalable-target`, 32)),
};

export const clusterArn = (c: NeedContext) => arns.ecsCluster(c, infraNames(c.env).cluster);
