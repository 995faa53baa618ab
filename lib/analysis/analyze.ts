/**
 * One analysis: read the lane's and default's metrics over a window, then judge them. What
 * `lanes analyze` runs once and `lanes ramp` runs after each interval.
 */
import { DEFAULT_ANALYSIS, type AnalysisConfig } from "./config";
import { judge, type Verdict } from "./judge";
import type { LaneMetricsReader, TargetGroupRef, WindowMetrics } from "./metrics";

export interface LaneTarget {
  /** The service's ALB: ARN or ARN suffix. */
  readonly loadBalancer: string;
  readonly lane: TargetGroupRef;
  /** The `default` lane: the service's default target group. */
  readonly baseline: TargetGroupRef;
}

export interface Analysis {
  readonly metrics: WindowMetrics;
  readonly verdict: Verdict;
}

/** Reads (throwing when the metrics cannot be read) and judges. */
export async function analyzeLane(reader: LaneMetricsReader, target: LaneTarget, window: { start: Date; end: Date }, config: AnalysisConfig = DEFAULT_ANALYSIS): Promise<Analysis> {
  const metrics = await reader.read({ ...target, start: window.start, end: window.end });
  return { metrics, verdict: judge(metrics, config) };
}
