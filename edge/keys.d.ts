/** Types for edge/keys.js (CommonJS, node:crypto only): the edge's keys contract. */

export interface EdgeKey {
  /** Key id (`[A-Za-z0-9_-]{1,64}`), carried in every value it signs. */
  readonly id: string;
  /** The HMAC-SHA256 secret (UTF-8 bytes of the string). */
  readonly key: string;
  /** ISO date it was created or registered. */
  readonly created: string;
}

/** The item `keys` of the rules table (attribute `keys`, JSON). */
export interface EdgeKeys {
  /** Edge keys, current first: sign and verify tester tokens and sticky cookies. */
  readonly edge?: readonly EdgeKey[];
  /** User keys, newest first: verify the HS256 JWTs carrying user ids. */
  readonly user?: readonly EdgeKey[];
}

export declare const KEYS_KEY: "keys";
export declare const EDGE_KEYS: 2;
export declare const USER_KEYS: 2;

/** `{payload}.{signature}`: the payload parts joined by `.`, signed as `{kind}.{payload}`. */
export declare function signValue(kind: string, parts: readonly (string | number)[], key: string): string;
/** A tester token for `lane`, valid until `expires` (Unix seconds). */
export declare function mintToken(lane: string, expires: number, key: Pick<EdgeKey, "id" | "key">): string;
export declare function newEdgeKey(now: Date): EdgeKey;
/** Every problem of a keys document, as `"<path>: <rule broken>"`. */
export declare function keysProblems(value: unknown): string[];
export declare function rotateEdgeKeys(keys: EdgeKeys, now: Date, rotationDays: number): { keys: EdgeKeys; rotated: boolean };
export declare function addUserKey(keys: EdgeKeys, id: string, key: string, now: Date): EdgeKeys;
/** The exact string written to the KeyValueStore key `keys`: ids and keys only. */
export declare function serializeKeys(keys: EdgeKeys): string;
