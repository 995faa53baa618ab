/** The analysis tolerances: defaults once, overrides checked. */
import { AnalysisConfigError, DEFAULT_ANALYSIS, analysisConfig, analysisConfigProblems } from "../../lib/analysis/config";

test("the defaults are usable and frozen", () => {
  expect(analysisConfigProblems(DEFAULT_ANALYSIS)).toEqual([]);
  expect(Object.isFrozen(DEFAULT_ANALYSIS)).toBe(true);
  expect(analysisConfig()).toEqual(DEFAULT_ANALYSIS);
});

test("overrides replace defaults; undefined keeps them", () => {
  expect(analysisConfig({ alpha: 0.01, minRequests: undefined })).toEqual({ ...DEFAULT_ANALYSIS, alpha: 0.01 });
});

test("unusable settings are refused, every problem named", () => {
  expect(() => analysisConfig({ alpha: 0.7, minMinutes: 1, maxLatencyIncreasePercent: -5, windowMinutes: 2.5 })).toThrow(AnalysisConfigError);
  expect(analysisConfigProblems({ ...DEFAULT_ANALYSIS, alpha: 0.7, minMinutes: 1, maxLatencyIncreasePercent: -5, windowMinutes: 2.5, maxErrorRateIncreasePoints: 150 })).toEqual([
    "windowMinutes must be a whole number ≥ 1 (got 2.5)",
    "alpha must be between 0 and 0.5 (got 0.7)",
    "minMinutes must be a whole number ≥ 2 (got 1)",
    "maxLatencyIncreasePercent must be a number ≥ 0 (got -5)",
    "maxErrorRateIncreasePoints is in percentage points and must be ≤ 100 (got 150)",
  ]);
});
