/**
 * The stand-ins for the ids AWS assigns (lib/policies/needs/ids.ts), which the needs table's rows
 * put in the ARNs they ask the simulator about. What they must be, from the AWS formats (EC2 ids
 * `{prefix}-` and 17 hex digits, Cloud Map `ns-`/`srv-` and 16, a Route 53 zone `Z` and upper-case
 * characters, ELB ARNs as the Elastic Load Balancing reference gives them: a listener's ARN holds
 * its load balancer's name and id, a rule's its listener's): the same resource always the same id,
 * another env's, service's or lane's resource another one, and no two resources sharing an id.
 * The hex literals are `sha256sum` of the seed (`printf 'dev/vpc#0' | sha256sum`), not the function.
 */
import { bootArns, clusterArn, fakeHex, infraIds, laneArns } from "../../lib/policies/needs/ids";
import { needContext } from "./needs-context";

const dev = needContext("user-api");
const ELB = "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012";

type IdOf = (c: typeof dev) => string;
const values = (table: Record<string, IdOf>, c: typeof dev) => Object.fromEntries(Object.entries(table).map(([k, f]) => [k, f(c)]));

test("fakeHex: the first `length` hex digits of sha256(`{seed}#0`), sha256(`{seed}#1`), … in turn", () => {
  // printf 'x#0' | sha256sum; printf 'x#1' | sha256sum
  const x0 = "ec53bc2d0ab3d5fdd85e7ef5fc116bba899f2be57d222b92469799626b9e61b6";
  const x1 = "db7f9a2b18251b21099043adb8960b0558fd6d764f8e9bb54200391197eff825";
  expect(fakeHex("x", 8)).toBe("ec53bc2d");
  expect(fakeHex("x", 64)).toBe(x0);
  expect(fakeHex("x", 70)).toBe(`${x0}db7f9a`);
  expect(fakeHex("x", 128)).toBe(`${x0}${x1}`);
  expect(fakeHex("x", 0)).toBe("");
});

test("the env's network ids in AWS's formats, each of its own seed (dev)", () => {
  expect(values(infraIds, dev)).toEqual({
    vpc: "vpc-289629b67a2a2318c", // printf 'dev/vpc#0' | sha256sum
    subnet: expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
    routeTable: expect.stringMatching(/^rtb-[0-9a-f]{17}$/),
    internetGateway: expect.stringMatching(/^igw-[0-9a-f]{17}$/),
    elasticIp: expect.stringMatching(/^eipalloc-[0-9a-f]{17}$/),
    natGateway: expect.stringMatching(/^nat-[0-9a-f]{17}$/),
    namespace: expect.stringMatching(/^ns-[0-9a-f]{16}$/),
    flowLog: expect.stringMatching(/^fl-[0-9a-f]{17}$/),
    // bucket_prefix `lanes-{env}-logs-` and the 26 digits Terraform appends (a timestamp and a counter)
    logBucket: "lanes-dev-logs-20261202070000000000000001",
    cloudfrontPrefixList: expect.stringMatching(/^pl-[0-9a-f]{8}$/),
    hostedZone: expect.stringMatching(/^Z[0-9A-F]{20}$/),
  });
  const hex = Object.values(values(infraIds, dev)).map((id) => id.replace(/^[A-Za-z]+-|^Z/, "").toLowerCase().slice(0, 8));
  expect(new Set(hex).size).toBe(hex.length);
});

test("another env's network has other ids; the CloudFront prefix list is AWS's, one per region", () => {
  const prod = values(infraIds, { ...dev, env: "prod" });
  const here = values(infraIds, dev);
  const same = Object.keys(here).filter((k) => here[k] === prod[k]);
  expect(same).toEqual(["cloudfrontPrefixList"]);
  expect(infraIds.cloudfrontPrefixList({ ...dev, region: "us-east-1" })).not.toBe(here.cloudfrontPrefixList);
  expect(values(infraIds, needContext("user-api"))).toEqual(here);
});

test("a service's access layer: the listener holds its load balancer's name and id, the default rule its listener's", () => {
  expect(bootArns.loadBalancer(dev)).toBe(`${ELB}:loadbalancer/app/user-api-dev-alb/f3ba51625e3ee104`); // printf 'dev/user-api/alb#0'
  expect(bootArns.listener(dev)).toBe(`${ELB}:listener/app/user-api-dev-alb/f3ba51625e3ee104/d94be13923f274f6`); // printf 'dev/user-api/http#0'
  expect(bootArns.defaultRule(dev)).toMatch(new RegExp(`^${ELB}:listener-rule/app/user-api-dev-alb/f3ba51625e3ee104/d94be13923f274f6/[0-9a-f]{16}$`));
  expect(bootArns.defaultTargetGroup(dev)).toMatch(new RegExp(`^${ELB}:targetgroup/user-api-dev-default-tg/[0-9a-f]{16}$`));
  expect(bootArns.taskSecurityGroup(dev)).toMatch(/^arn:aws:ec2:ap-southeast-2:123456789012:security-group\/sg-[0-9a-f]{17}$/);
  expect(bootArns.ingressRule(dev)).toMatch(/^arn:aws:ec2:ap-southeast-2:123456789012:security-group-rule\/sgr-[0-9a-f]{17}$/);
  expect(bootArns.cloudMapService(dev)).toMatch(/^arn:aws:servicediscovery:ap-southeast-2:123456789012:service\/srv-[0-9a-f]{16}$/);
});

test("a lane's resources: its target group by name, its rules on the service's listener, its scalable target", () => {
  expect(laneArns.targetGroup(dev)).toMatch(new RegExp(`^${ELB}:targetgroup/user-api-dev-gray-tg/[0-9a-f]{16}$`));
  expect(laneArns.listenerRule(dev)).toMatch(new RegExp(`^${ELB}:listener-rule/app/user-api-dev-alb/f3ba51625e3ee104/d94be13923f274f6/[0-9a-f]{16}$`));
  expect(laneArns.rampRule(dev)).toMatch(new RegExp(`^${ELB}:listener-rule/app/user-api-dev-alb/f3ba51625e3ee104/d94be13923f274f6/[0-9a-f]{16}$`));
  expect(laneArns.scalableTarget(dev)).toMatch(/^arn:aws:application-autoscaling:ap-southeast-2:123456789012:scalable-target\/[0-9a-f]{32}$/);
  expect(clusterArn(dev)).toBe("arn:aws:ecs:ap-southeast-2:123456789012:cluster/dev-cluster");
  const rules = [bootArns.defaultRule(dev), laneArns.listenerRule(dev), laneArns.rampRule(dev)];
  expect(new Set(rules).size).toBe(3);
});

describe("each id is of its own service, env (and lane): another one's resource has another id, the same one the same", () => {
  const variants = { service: { service: "order-api" }, env: { env: "prod" }, lane: { lane: "blue" } };
  const lanes = Object.entries(laneArns);
  const boot = Object.entries(bootArns);
  /** The id AWS assigns: the ARN's last part (a target group's name aside). */
  const id = (arn: string) => arn.split("/").pop();
  test.each(Object.entries(variants))("another %s", (which, change) => {
    const other = { ...dev, ...change };
    const perLane = lanes.filter(([, f]) => id(f(dev)) === id(f(other))).map(([k]) => k);
    const perService = boot.filter(([, f]) => id(f(dev)) === id(f(other))).map(([k]) => k);
    expect({ perLane, perService }).toEqual({ perLane: [], perService: which === "lane" ? boot.map(([k]) => k) : [] });
    expect([...lanes, ...boot].every(([, f]) => f(dev) === f(needContext("user-api")))).toBe(true);
  });
  test("no two resources of a lane and its service share an id", () => {
    const ids = [...lanes, ...boot].map(([, f]) => id(f(dev)));
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
  });
});
