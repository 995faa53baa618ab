/** The documented example of the lane rules (edge/rules.d.ts), shared by the edge tests. */
export interface ExampleRules {
  version: number;
  lanes: string[];
  userId: { header: string; cookie: string };
  testerHeader: string;
  users: Record<string, string[]>;
  percentages: { lane: string; percent: number }[];
  cookie: { name: string; maxAgeSeconds: number };
}

/** A fresh copy each call, so a test may change it. */
export function exampleRules(): ExampleRules {
  return {
    version: 3,
    lanes: ["default", "gray", "blue"],
    userId: { header: "x-user-id", cookie: "uid" },
    testerHeader: "x-lane",
    users: { gray: ["u-1", "u-2"] },
    percentages: [{ lane: "gray", percent: 10 }],
    cookie: { name: "lane", maxAgeSeconds: 86400 },
  };
}
