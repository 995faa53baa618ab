import { CASES, benchHeaders } from "../bench/headers";

describe("the headers benchmark", () => {
  it("measures reads, writes and requests per second for every case (no assertion on speed)", () => {
    const rows = benchHeaders(10);
    expect(rows.map((r) => r.name)).toEqual(CASES.map((c) => c.name));
    for (const row of rows) {
      for (const rate of [row.readPerSecond, row.writePerSecond, row.requestPerSecond]) {
        expect(Number.isFinite(rate)).toBe(true);
        expect(rate).toBeGreaterThan(0);
      }
    }
  });
});
