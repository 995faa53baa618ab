/** Types for edge/rules.js (CommonJS, no dependencies): the lane rules contract. */

/** Where the CloudFront Function reads a user's id from; at least one of the two. */
export interface UserIdSource {
  /** Lower-case request header name, e.g. `x-user-id`. */
  readonly header?: string;
  /** Cookie name, e.g. `uid`. */
  readonly cookie?: string;
}

export interface LanePercentage {
  /** A lane from `lanes`, never `default`. */
  readonly lane: string;
  /** 0 to 100; all percents together at most 100. `default` gets the rest. */
  readonly percent: number;
}

export interface LaneCookie {
  /** Cookie that keeps a viewer in the lane it was assigned. */
  readonly name: string;
  /** 1 to 31536000 (one year). */
  readonly maxAgeSeconds: number;
}

/** The rules as stored in DynamoDB and in the KeyValueStore key `rules` (JSON). */
export interface LaneRules {
  /** Positive integer; bump it on every change. */
  readonly version: number;
  /** Unique lane names (`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`, at most 115 characters) including `default`. */
  readonly lanes: readonly string[];
  /** Required when `users` pins anyone. */
  readonly userId?: UserIdSource;
  /** Lower-case header a tester sets to choose a lane. */
  readonly testerHeader?: string;
  /** Pinned user ids per lane (`default` too: takes them out of every lane); a user is in one lane at most. */
  readonly users?: Readonly<Record<string, readonly string[]>>;
  /** Consecutive bucket ranges in list order; `default` keeps the rest. */
  readonly percentages?: readonly LanePercentage[];
  readonly cookie?: LaneCookie;
  /** Per lane, the last version in which a user left it: sticky cookies from older versions no longer hold (set by `lanes edge set`). */
  readonly changed?: Readonly<Record<string, number>>;
}

export type RulesValidation =
  | { readonly ok: true; readonly rules: LaneRules }
  /** Each problem is `"<JSON path>: <rule broken>"`, e.g. `$.users.blue: lane "blue" is not in $.lanes`. */
  | { readonly ok: false; readonly problems: readonly string[] };

/** The KeyValueStore key holding the rules. */
export declare const RULES_KEY: "rules";
/** Largest KeyValueStore value, in UTF-8 bytes, that the rules may serialize to. */
export declare const MAX_VALUE_BYTES: 1024;
export declare const DEFAULT_LANE: "default";

/** Checks parsed JSON against the contract and reports every problem found. */
export declare function validateRules(value: unknown): RulesValidation;

/** The exact string written to the KeyValueStore for valid rules (compact JSON). */
export declare function serializeRules(rules: LaneRules): string;

/** A user's percentage bucket, 0..PERCENT_BUCKETS-1 (as the edge computes it). */
export declare function bucketOf(userId: string): number;
/** The lane the edge gives a user with a verified id and no tester token: pin, else bucket range, else default. */
export declare function laneOf(rules: LaneRules, userId: string): string;
/** `changed` for `next`, given the rules it replaces (undefined: none stored yet). */
export declare function laneChanges(previous: LaneRules | undefined, next: LaneRules): Record<string, number>;
