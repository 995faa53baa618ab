/**
 * The lane on SQS messages: a String message attribute `lane` added when sending, read back
 * and restored by the worker. Works on plain objects shaped like the AWS SDK's SendMessage /
 * SendMessageBatch / ReceiveMessage inputs and `Message`s (and Lambda's SQS event records), so
 * the SDK is not a dependency.
 *
 * SQS allows at most 10 message attributes per message. The lane attribute counts against
 * them; when there is no room a LaneAttributeLimitError is thrown: the lane is never dropped
 * silently. The `default` lane adds no attribute (a message without one is in `default`) and
 * removes a stale one.
 */
import { LaneContext, currentLane, runWithLaneContext } from "./context";
import { DEFAULT_LANE, SQS_LANE_ATTRIBUTE, SQS_MAX_MESSAGE_ATTRIBUTES, isLaneName } from "./protocol";
import { laneToWrite } from "./write";

/** SQS MessageAttributeValue (SDK shape). */
export interface SqsMessageAttributeValue {
  readonly DataType: string | undefined;
  readonly StringValue?: string | undefined;
  readonly BinaryValue?: Uint8Array | undefined;
  readonly StringListValues?: string[] | undefined;
  readonly BinaryListValues?: Uint8Array[] | undefined;
}

export type SqsMessageAttributes = Record<string, SqsMessageAttributeValue>;

/** A SendMessage input or SendMessageBatch entry (the fields this package touches). */
export interface WithMessageAttributes {
  readonly MessageBody: string | undefined;
  readonly MessageAttributes?: SqsMessageAttributes | undefined;
}

/** What withLaneAttribute returns: the input type, with MessageAttributes known to exist as a field. */
export interface WithLaneAttribute {
  readonly MessageAttributes?: SqsMessageAttributes | undefined;
}

export class LaneAttributeLimitError extends Error {
  constructor(readonly attributeNames: readonly string[]) {
    super(
      `cannot add the SQS message attribute '${SQS_LANE_ATTRIBUTE}': the message already has ${attributeNames.length} ` +
        `message attributes (${attributeNames.join(", ")}) and SQS allows at most ${SQS_MAX_MESSAGE_ATTRIBUTES}. ` +
        `Remove one, or merge some into the message body, so the lane can travel with the message.`,
    );
    this.name = "LaneAttributeLimitError";
  }
}

/**
 * A copy of a SendMessage input (or batch entry) carrying `lane` (default: the current lane) as
 * the `lane` String attribute. Throws LaneAttributeLimitError when 10 other attributes are
 * already there, LaneNameError for an invalid lane.
 */
export function withLaneAttribute<T extends WithMessageAttributes>(input: T, lane: string = currentLane()): T & WithLaneAttribute {
  const member = laneToWrite(lane);
  const others: SqsMessageAttributes = {};
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    if (name !== SQS_LANE_ATTRIBUTE) others[name] = value;
  }
  if (member === undefined) {
    if (input.MessageAttributes?.[SQS_LANE_ATTRIBUTE] === undefined) return input;
    return { ...input, MessageAttributes: others };
  }
  const names = Object.keys(others);
  if (names.length >= SQS_MAX_MESSAGE_ATTRIBUTES) throw new LaneAttributeLimitError(names);
  return { ...input, MessageAttributes: { ...others, [SQS_LANE_ATTRIBUTE]: { DataType: "String", StringValue: member } } };
}

/** A copy of a SendMessageBatch input whose every entry carries the lane (see withLaneAttribute). */
export function withLaneAttributeBatch<E extends WithMessageAttributes, T extends { readonly Entries: E[] | undefined }>(
  input: T,
  lane: string = currentLane(),
): T {
  if (input.Entries === undefined) return input;
  return { ...input, Entries: input.Entries.map((entry) => withLaneAttribute(entry, lane)) };
}

/**
 * A copy of a ReceiveMessage input that asks for the `lane` attribute (SQS returns only the
 * message attributes named in MessageAttributeNames).
 */
export function withLaneAttributeName<T extends { readonly QueueUrl: string | undefined; readonly MessageAttributeNames?: string[] | undefined }>(
  input: T,
): T {
  const names = input.MessageAttributeNames ?? [];
  if (names.some((n) => n === SQS_LANE_ATTRIBUTE || n === "All" || n === ".*")) return input;
  return { ...input, MessageAttributeNames: [...names, SQS_LANE_ATTRIBUTE] };
}

/** A received message: the SDK's `Message` or a Lambda SQS event record. */
export interface SqsMessageLike {
  readonly MessageId?: string | undefined;
  readonly MessageAttributes?: Record<string, { readonly DataType?: string | undefined; readonly StringValue?: string | undefined }> | undefined;
  readonly messageId?: string | undefined;
  readonly messageAttributes?: Record<string, { readonly dataType?: string | undefined; readonly stringValue?: string | undefined }> | undefined;
}

function isStringType(dataType: string | undefined): boolean {
  return dataType === "String" || (dataType !== undefined && dataType.startsWith("String."));
}

/** The lane a message carries; `default` when it carries none or an invalid one. */
export function laneFromSqsMessage(message: SqsMessageLike): string {
  const sdk = message.MessageAttributes?.[SQS_LANE_ATTRIBUTE];
  const lambda = message.messageAttributes?.[SQS_LANE_ATTRIBUTE];
  const value = sdk !== undefined ? (isStringType(sdk.DataType) ? sdk.StringValue : undefined)
    : lambda !== undefined && isStringType(lambda.dataType) ? lambda.stringValue : undefined;
  return isLaneName(value) ? value : DEFAULT_LANE;
}

/** One log line per message handled: which lane it ran in. */
export interface SqsLaneLogEntry {
  readonly msg: "sqs message lane";
  readonly lane: string;
  readonly messageId: string | undefined;
}

export interface SqsLaneOptions {
  /** Where the lane is logged; default: one JSON line on stdout; false: not logged. */
  readonly log?: ((entry: SqsLaneLogEntry) => void) | false;
}

function logJson(entry: SqsLaneLogEntry): void {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

/**
 * Runs `handler` for a received message in the message's lane (a new trace): outgoing calls
 * made by the handler (laneFetch, the propagator, withLaneAttribute) carry it on. Logs the lane.
 */
export function runWithSqsMessageLane<R>(message: SqsMessageLike, handler: (lane: string) => R, options: SqsLaneOptions = {}): R {
  const lane = laneFromSqsMessage(message);
  const log = options.log === undefined ? logJson : options.log;
  if (log !== false) log({ msg: "sqs message lane", lane, messageId: message.MessageId ?? message.messageId });
  return runWithLaneContext(LaneContext.forLane(lane), handler, lane);
}
