/** One HTTP(S) GET for the verify step; `insecure` skips the certificate name check (the ALB's DNS name is not on it). */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export function probeStatus(url: string, headers: Readonly<Record<string, string>>, insecure: boolean, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { method: "GET", headers: { ...headers }, timeout: timeoutMs, ...(target.protocol === "https:" && insecure ? { rejectUnauthorized: false } : {}) };
    const req = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, options, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on("error", reject);
    req.end();
  });
}
