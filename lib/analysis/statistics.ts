/**
 * The statistical tests of the judge, all one-sided ("is the lane worse than the baseline?"):
 * - a rate: the pooled two-proportion z-test when every expected cell count is at least 5 (the
 *   textbook condition for the normal approximation), otherwise Fisher's exact test;
 * - a location: the Mann-Whitney U (Wilcoxon rank-sum) test, exact when both samples are under 50
 *   and have no ties, otherwise the normal approximation with tie and continuity corrections —
 *   the rules of R's `wilcox.test`, which Kayenta reproduces.
 * Distributions and ranks come from stdlib (@stdlib/*), whose functions are tested against
 * reference values; only the arithmetic that joins them is written here.
 */
import hypergeometricCdf from "@stdlib/stats-base-dists-hypergeometric-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import ranks from "@stdlib/stats-ranks";

/** Events (errors) out of trials (requests, messages). */
export interface Proportion {
  readonly events: number;
  readonly trials: number;
}

export interface ProportionTest {
  readonly method: "two-proportion z-test" | "Fisher exact test";
  /** P-value of "the lane's rate is higher than the baseline's". */
  readonly pValue: number;
  /** The z statistic (z-test only). */
  readonly z?: number;
}

export interface RankSumTest {
  readonly method: "Mann-Whitney U, exact" | "Mann-Whitney U, normal approximation";
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  readonly u: number;
  /** P-value of "values of the first sample tend to be larger". */
  readonly pValue: number;
}

/** Below this expected count in any cell the z-test gives way to Fisher's exact test. */
export const MIN_EXPECTED_COUNT = 5;
/** Samples at least this large (or with ties) use the normal approximation, as R does. */
export const EXACT_RANK_SUM_LIMIT = 50;

function checkProportion(label: string, p: Proportion): void {
  if (!Number.isInteger(p.events) || !Number.isInteger(p.trials) || p.trials < 1 || p.events < 0 || p.events > p.trials) {
    throw new RangeError(`${label}: need whole events ≤ trials and trials ≥ 1 (got ${p.events}/${p.trials})`);
  }
}

/** Pooled two-proportion z-test, one-sided (lane higher). */
export function twoProportionZTest(lane: Proportion, baseline: Proportion): { z: number; pValue: number } {
  checkProportion("lane", lane);
  checkProportion("baseline", baseline);
  const p1 = lane.events / lane.trials;
  const p2 = baseline.events / baseline.trials;
  const pooled = (lane.events + baseline.events) / (lane.trials + baseline.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / lane.trials + 1 / baseline.trials));
  // No events at all, or nothing but events: both rates are equal and nothing says the lane is worse.
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { z, pValue: normalCdf(-z, 0, 1) };
}

/**
 * Fisher's exact test, one-sided (lane higher): the probability, with both margins fixed, of the
 * lane holding at least its events. Computed as the lower tail of the baseline's events, which
 * keeps its precision for tiny p-values.
 */
export function fisherExactTest(lane: Proportion, baseline: Proportion): number {
  checkProportion("lane", lane);
  checkProportion("baseline", baseline);
  const population = lane.trials + baseline.trials;
  const events = lane.events + baseline.events;
  return Math.min(1, hypergeometricCdf(baseline.events, population, events, baseline.trials));
}

/** The z-test when its normal approximation holds, Fisher's exact test otherwise. */
export function proportionTest(lane: Proportion, baseline: Proportion): ProportionTest {
  checkProportion("lane", lane);
  checkProportion("baseline", baseline);
  const pooled = (lane.events + baseline.events) / (lane.trials + baseline.trials);
  const expected = [lane.trials, baseline.trials].flatMap((n) => [n * pooled, n * (1 - pooled)]);
  if (expected.every((e) => e >= MIN_EXPECTED_COUNT)) {
    const { z, pValue } = twoProportionZTest(lane, baseline);
    return { method: "two-proportion z-test", pValue, z };
  }
  return { method: "Fisher exact test", pValue: fisherExactTest(lane, baseline) };
}

/**
 * How many of the C(m+n, m) orderings of two untied samples give each U of the first (size m):
 * counts[u]. The recurrence f(m,n)(u) = f(m-1,n)(u-n) + f(m,n-1)(u) only adds, so it stays exact
 * to double precision.
 */
function exactUCounts(m: number, n: number): number[] {
  // row[j] = counts for (i, j); row starts as i = 0: a single ordering with U = 0.
  let row: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const next: number[][] = [];
    for (let j = 0; j <= n; j++) {
      const counts = new Array<number>(i * j + 1).fill(0);
      const withLargestFromX = row[j]!; // (i-1, j), shifted by j: the largest value is an x above all j y's
      withLargestFromX.forEach((c, u) => (counts[u + j]! += c));
      if (j > 0) next[j - 1]!.forEach((c, u) => (counts[u]! += c)); // (i, j-1): the largest value is a y
      next.push(counts);
    }
    row = next;
  }
  return row[n]!;
}

/** Mann-Whitney U test, one-sided: do values of `x` tend to be larger than those of `y`? */
export function mannWhitneyTest(x: readonly number[], y: readonly number[]): RankSumTest {
  if (x.length === 0 || y.length === 0) throw new RangeError("Mann-Whitney U needs at least one value in each sample");
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError("Mann-Whitney U needs finite values");
  const m = x.length;
  const n = y.length;
  const all = [...x, ...y];
  const r = ranks(all, { method: "average" });
  const rankSum = r.slice(0, m).reduce((s, v) => s + v, 0);
  const u = rankSum - (m * (m + 1)) / 2;

  const tieSizes = [...all.reduce((acc, v) => acc.set(v, (acc.get(v) ?? 0) + 1), new Map<number, number>()).values()];
  const ties = tieSizes.some((t) => t > 1);
  if (!ties && m < EXACT_RANK_SUM_LIMIT && n < EXACT_RANK_SUM_LIMIT) {
    const counts = exactUCounts(m, n);
    const total = counts.reduce((s, c) => s + c, 0);
    const upper = counts.slice(Math.round(u)).reduce((s, c) => s + c, 0);
    return { method: "Mann-Whitney U, exact", u, pValue: Math.min(1, upper / total) };
  }
  const size = m + n;
  const tieTerm = tieSizes.reduce((s, t) => s + (t * t * t - t), 0) / (size * (size - 1));
  const sigma = Math.sqrt(((m * n) / 12) * (size + 1 - tieTerm));
  // Every value equal: nothing says either sample is larger.
  if (sigma === 0) return { method: "Mann-Whitney U, normal approximation", u, pValue: 1 };
  const z = (u - (m * n) / 2 - 0.5) / sigma;
  return { method: "Mann-Whitney U, normal approximation", u, pValue: normalCdf(-z, 0, 1) };
}

/** The median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
