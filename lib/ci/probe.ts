/** One HTTP(S) GET for the verify step; `insecure` skips the certificate name check (the ALB's DNS name is not on it). */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { SERVED_BY_HEADER } from "../../packages/lane-context/src/protocol";

export interface ProbeAnswer {
  readonly status: number;
  /** The lane that answered (`x-lanes-served-by`), when the response says. */
  readonly servedBy?: string;
}

export function probeStatus(url: string, headers: Readonly<Record<string, string>>, insecure: boolean, timeoutMs = 10_000): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { method: "GET", headers: { ...headers }, timeout: timeoutMs, ...(target.protocol === "https:" && insecure ? { rejectUnauthorized: false } : {}) };
    const req = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, options, (res) => {
      res.resume();
      const servedBy = res.headers[SERVED_BY_HEADER];
      const lane = Array.isArray(servedBy) ? servedBy[0] : servedBy;
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ...(lane !== undefined ? { servedBy: lane } : {}) }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on("error", reject);
    req.end();
  });
}
