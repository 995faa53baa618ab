/**
 * The price table behind `lanes ls`'s cost estimate, in one place. A lane costs what its Fargate
 * tasks cost: desired tasks × (vCPU × the vCPU-hour price + GB × the GB-hour price) × 730 hours
 * a month (Linux/x86, On-Demand; no Savings Plans, Spot, storage beyond the included 20 GB, data
 * transfer, load balancer or logs).
 *
 * Prices are USD from the AWS Fargate pricing page (https://aws.amazon.com/fargate/pricing/).
 * Only regions listed here are known; any other region is estimated with us-east-1's prices and
 * says so. Override per env in `infra-{env}.json` → `pricing` (`fargateVcpuHour`,
 * `fargateGbHour`), e.g. with your region's list price or your discounted rate.
 */
export interface FargatePrices {
  /** USD per vCPU per hour. */
  readonly vcpuHour: number;
  /** USD per GB of memory per hour. */
  readonly gbHour: number;
}

export const HOURS_PER_MONTH = 730;

/** Linux/x86 On-Demand list prices by region. */
export const FARGATE_PRICES: Readonly<Record<string, FargatePrices>> = {
  "us-east-1": { vcpuHour: 0.04048, gbHour: 0.004445 },
};

export const FALLBACK_REGION = "us-east-1";

export interface PriceChoice extends FargatePrices {
  /** Where the prices come from, shown with the estimate. */
  readonly source: string;
}

/** The prices for `region`: params' override, else the table, else us-east-1's (and the source says which). */
export function pricesFor(region: string, override?: { readonly fargateVcpuHour: number; readonly fargateGbHour: number }): PriceChoice {
  if (override) return { vcpuHour: override.fargateVcpuHour, gbHour: override.fargateGbHour, source: "params pricing" };
  const listed = FARGATE_PRICES[region];
  if (listed) return { ...listed, source: `${region} list price` };
  return { ...FARGATE_PRICES[FALLBACK_REGION]!, source: `${FALLBACK_REGION} list price: lib/ops/pricing.ts has none for ${region}, set pricing in params` };
}

/** Estimated USD per month of `tasks` tasks of `cpu` CPU units (1024 = 1 vCPU) and `memory` MiB. */
export function monthlyCost(prices: FargatePrices, cpu: number, memory: number, tasks: number): number {
  const perHour = (cpu / 1024) * prices.vcpuHour + (memory / 1024) * prices.gbHour;
  return Math.round(perHour * tasks * HOURS_PER_MONTH * 100) / 100;
}
