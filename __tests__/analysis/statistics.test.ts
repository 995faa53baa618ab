/**
 * The judge's statistical tests against published answers. Where each expected number comes from
 * is written beside it; "scipy" means scipy 1.17.1 (scipy.stats), run once to confirm the
 * published figure to more digits.
 */
import { fisherExactTest, mannWhitneyTest, median, proportionTest, twoProportionZTest } from "../../lib/analysis/statistics";

describe("Mann-Whitney U, one-sided (first sample larger)", () => {
  test("Hollander & Wolfe (1973, p. 69), the example of R's ?wilcox.test: W = 35, exact p = 0.1272", () => {
    // Permeability constants of the human chorioamnion at term (x) and 12-26 weeks (y).
    // R: wilcox.test(x, y, alternative = "g") → W = 35, p-value = 0.1272;
    // scipy mannwhitneyu(x, y, alternative="greater", method="exact") → 35.0, 0.1272061272061272.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyTest(x, y);
    expect(r.method).toBe("Mann-Whitney U, exact");
    expect(r.u).toBe(35);
    expect(r.pValue).toBeCloseTo(0.1272061272061272, 12);
  });

  test("Kayenta's MannWhitneySuite: {10,20,30,40} vs {1,2,3,4} gives two-sided p = 0.02857142857142857, one-sided 1/70", () => {
    // netflix/kayenta kayenta-judge MannWhitneySuite "returns expected values": p = 0.02857142857142857
    // (two-sided); the one-sided p is half: only 1 of the C(8,4) = 70 orderings puts all four x on top.
    const r = mannWhitneyTest([10, 20, 30, 40], [1, 2, 3, 4]);
    expect(r.u).toBe(16);
    expect(r.pValue).toBeCloseTo(1 / 70, 15);
    expect(mannWhitneyTest([1, 2, 3, 4], [10, 20, 30, 40]).pValue).toBeCloseTo(1, 15);
  });

  test("exact p-values equal a brute-force count over every split of the pooled values", () => {
    // An independent oracle: enumerate all C(12, 5) = 792 ways of choosing the first sample.
    const x = [12.1, 15.3, 9.8, 20.4, 14.2];
    const y = [11.0, 8.7, 13.3, 10.1, 9.1, 12.6, 7.9];
    const pooled = [...x, ...y];
    const uOf = (xs: number[], ys: number[]) => xs.reduce((s, a) => s + ys.filter((b) => a > b).length, 0);
    const observed = uOf(x, y);
    let atLeast = 0;
    let total = 0;
    const choose = (start: number, picked: number[]) => {
      if (picked.length === x.length) {
        total++;
        const xs = picked.map((i) => pooled[i]!);
        const ys = pooled.filter((_, i) => !picked.includes(i));
        if (uOf(xs, ys) >= observed) atLeast++;
        return;
      }
      for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
    };
    choose(0, []);
    expect(total).toBe(792);
    const r = mannWhitneyTest(x, y);
    expect(r.u).toBe(observed);
    expect(r.pValue).toBeCloseTo(atLeast / total, 14);
  });

  test("ties use the normal approximation with tie and continuity corrections: ClickHouse's test data, U = 223", () => {
    // ClickHouse tests/queries/0_stateless/01560_mann_whitney.sql: U = 223, two-sided p = 0.5426959774289482.
    // One-sided: scipy mannwhitneyu(a, b, alternative="greater"|"less", method="asymptotic")
    // → 0.2713479887144741 | 0.737545429642209.
    const a = [310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295];
    const b = [116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261];
    const greater = mannWhitneyTest(a, b);
    expect(greater.method).toBe("Mann-Whitney U, normal approximation");
    expect(greater.u).toBe(223);
    expect(greater.pValue).toBeCloseTo(0.2713479887144741, 12);
    expect(mannWhitneyTest(b, a).pValue).toBeCloseTo(0.737545429642209, 12);
  });

  test("the normal approximation without ties for samples of 50 or more (R's rule)", () => {
    // 50 values each, x = y + 0.5: scipy mannwhitneyu(x, y, alternative="greater", method="asymptotic")
    // → U = 1275.0, p = 0.43293820534119487 (the shift is below the spacing of 1, so the ranks interleave).
    const y = Array.from({ length: 50 }, (_, i) => i);
    const x = y.map((v) => v + 0.5);
    const r = mannWhitneyTest(x, y);
    expect(r.method).toBe("Mann-Whitney U, normal approximation");
    expect(r.u).toBe(1275);
    expect(r.pValue).toBeCloseTo(0.43293820534119487, 12);
  });

  test("all values equal say nothing: p = 1", () => {
    expect(mannWhitneyTest([5, 5, 5], [5, 5]).pValue).toBe(1);
  });

  test("refuses empty or non-finite samples", () => {
    expect(() => mannWhitneyTest([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyTest([1, Number.NaN], [1])).toThrow(RangeError);
  });
});

describe("two proportions, one-sided (lane rate higher)", () => {
  test("Physicians' Health Study, placebo vs aspirin heart attacks: z = 5.00 (Pearson X² = 25.01)", () => {
    // Agresti, An Introduction to Categorical Data Analysis, §2.2/§2.4: myocardial infarction in
    // 189 of 11034 on placebo and 104 of 11037 on aspirin; X² = 25.01, so z = √25.01 = 5.00.
    // scipy chi2_contingency(correction=False) → X² = 25.013883967194165, two-sided p = 5.691896973740789e-07.
    const placebo = { events: 189, trials: 11034 };
    const aspirin = { events: 104, trials: 11037 };
    const r = twoProportionZTest(placebo, aspirin);
    expect(r.z).toBeCloseTo(Math.sqrt(25.013883967194165), 10);
    expect(r.pValue).toBeCloseTo(5.691896973740789e-7 / 2, 15);
    const chosen = proportionTest(placebo, aspirin);
    expect(chosen.method).toBe("two-proportion z-test");
    expect(chosen.pValue).toBe(r.pValue);
    expect(twoProportionZTest(aspirin, placebo).pValue).toBeGreaterThan(0.999999);
  });

  test("Fisher's tea-tasting lady (The Design of Experiments, 1935): 3 of 4 cups right, one-sided p = 17/70", () => {
    // Table [[3, 1], [1, 3]]; scipy fisher_exact(alternative="greater") → 0.24285714285714283.
    expect(fisherExactTest({ events: 3, trials: 4 }, { events: 1, trials: 4 })).toBeCloseTo(17 / 70, 14);
    const chosen = proportionTest({ events: 3, trials: 4 }, { events: 1, trials: 4 });
    expect(chosen.method).toBe("Fisher exact test");
    expect(chosen.pValue).toBeCloseTo(17 / 70, 14);
  });

  test("Fisher's exact test keeps its precision in the far tail", () => {
    // The aspirin table again: scipy fisher_exact(alternative="greater") → 3.2527109054580043e-07.
    expect(fisherExactTest({ events: 189, trials: 11034 }, { events: 104, trials: 11037 })).toBeCloseTo(3.2527109054580043e-7, 17);
  });

  test("no errors anywhere is no evidence against the lane", () => {
    expect(twoProportionZTest({ events: 0, trials: 1000 }, { events: 0, trials: 20000 })).toEqual({ z: 0, pValue: 1 });
    expect(proportionTest({ events: 0, trials: 1000 }, { events: 0, trials: 20000 }).pValue).toBe(1);
  });

  test("refuses impossible counts", () => {
    expect(() => proportionTest({ events: 5, trials: 4 }, { events: 0, trials: 10 })).toThrow(RangeError);
    expect(() => proportionTest({ events: 0, trials: 0 }, { events: 0, trials: 10 })).toThrow(RangeError);
    expect(() => proportionTest({ events: 1.5, trials: 10 }, { events: 0, trials: 10 })).toThrow(RangeError);
  });
});

test("median", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([])).toBeNaN();
});
