/**
 * A queue worker that keeps each message in its lane: what a worker team writes with
 * `@lanes/lane-context` and the AWS SDK.
 *
 * Who consumes a lane-tagged message: **whichever lane of the worker receives it.** A worker's
 * lanes share the service's one queue (its boot layer owns it; the worker canary shares it on
 * purpose, to process a sample of the real traffic), so the lane on a message is the message's
 * context, not a routing key: the worker restores it (`runWithSqsMessageLane`) and every call it
 * makes while handling the message (`laneFetch`, messages it sends with `withLaneAttribute`)
 * carries that lane on, so the callees' ALBs route them into it. A gray message handled by the
 * default worker still reaches gray downstream; `handled.lane` and the log line
 * `{"msg":"sqs message lane",…}` say in which lane each message ran. A lane of a worker that must
 * see only its own lane's messages needs a queue of its own (not built: one queue per service).
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { currentLane, laneFetch, runWithSqsMessageLane, withLaneAttribute, withLaneAttributeName, type SqsLaneLogEntry } from "@lanes/lane-context";
import { calleeUrls, type AppResponse } from "./app";

export interface HandledMessage {
  readonly messageId: string | undefined;
  /** The lane the message carried, restored while it was handled. */
  readonly lane: string;
  /** The lane of the worker that handled it (the platform's LANE). */
  readonly workerLane: string;
  /** What its callees answered (their hops). */
  readonly downstream: readonly AppResponse[];
}

export interface WorkerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The lane this worker is deployed in. */
  readonly lane: string;
  /** `{CALLEE}_URL` variables (params `calls`), each called once per message with the message's body as path. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log?: (entry: SqsLaneLogEntry) => void;
}

/** Sends `body` to the queue in the current lane (the lane of the request or message being handled). */
export async function sendInLane(sqs: SQSClient, queueUrl: string, body: string): Promise<string | undefined> {
  const out = await sqs.send(new SendMessageCommand(withLaneAttribute({ QueueUrl: queueUrl, MessageBody: body })));
  return out.MessageId;
}

/** One receive: every message is handled in its own lane, then deleted. */
export async function pollOnce(options: WorkerOptions): Promise<HandledMessage[]> {
  const received = await options.sqs.send(
    new ReceiveMessageCommand(withLaneAttributeName({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 })),
  );
  const fetchInLane = laneFetch();
  const handled: HandledMessage[] = [];
  for (const message of received.Messages ?? []) {
    handled.push(await runWithSqsMessageLane(message, () => handle(message, options, fetchInLane), options.log ? { log: options.log } : {}));
    await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
  return handled;
}

async function handle(message: Message, options: WorkerOptions, fetchInLane: typeof fetch): Promise<HandledMessage> {
  const downstream: AppResponse[] = [];
  for (const base of calleeUrls(options.environment)) {
    const res = await fetchInLane(new URL(message.Body ?? "/", base).toString());
    downstream.push((await res.json()) as AppResponse);
  }
  return { messageId: message.MessageId, lane: currentLane(), workerLane: options.lane, downstream };
}
