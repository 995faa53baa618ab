/** The shape of an IAM policy document, as the stacks render it and the tests read it. */
export type StringOrList = string | string[];
export type ConditionValue = string | string[] | boolean;
/** `{ operator: { conditionKey: value(s) } }`, e.g. `{ StringLike: { "s3:prefix": ["app/*"] } }`. */
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement | Statement[];
}
