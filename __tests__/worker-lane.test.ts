/**
 * The lane on queue messages (examples/lane-app/worker.ts): a message sent in lane L carries
 * the `lane` message attribute (counted against SQS's 10); whichever lane of the worker receives
 * it restores L, so the worker's own calls are routed into L. SQS is recorded at the SDK edge
 * (aws-sdk-client-mock) behind a small in-memory queue that, like SQS, returns only the message
 * attributes a receive names.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand, type Message, type MessageAttributeValue } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { LaneAttributeLimitError, runWithLane, withLaneAttribute as withLane, type SqsLaneLogEntry } from "@lanes/lane-context";
import { pollOnce, sendInLane } from "../examples/lane-app/worker";

const QUEUE_URL = "https://sqs.ap-southeast-2.amazonaws.com/123456789012/order-worker-dev-queue";

describe("lanes on queue messages", () => {
  const sqs = mockClient(SQSClient);
  const client = new SQSClient({ region: "ap-southeast-2" });
  let queue: (Message & { MessageAttributes?: Record<string, MessageAttributeValue> })[] = [];
  let server: Server;
  let calleeUrl: string;
  const calls: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      calls.push(req.headers);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ hops: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    calleeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    queue = [];
    calls.length = 0;
    sqs.reset();
    let n = 0;
    sqs.on(SendMessageCommand).callsFake((input: { MessageBody: string; MessageAttributes?: Record<string, MessageAttributeValue> }) => {
      const id = `m-${++n}`;
      queue.push({ MessageId: id, ReceiptHandle: `r-${id}`, Body: input.MessageBody, ...(input.MessageAttributes ? { MessageAttributes: input.MessageAttributes } : {}) });
      return { MessageId: id };
    });
    sqs.on(ReceiveMessageCommand).callsFake((input: { MessageAttributeNames?: string[] }) => {
      const names = input.MessageAttributeNames ?? [];
      const wanted = (name: string) => names.includes(name) || names.includes("All") || names.includes(".*");
      return {
        Messages: queue.map(({ MessageAttributes, ...m }) => {
          const kept = Object.fromEntries(Object.entries(MessageAttributes ?? {}).filter(([name]) => wanted(name)));
          return Object.keys(kept).length > 0 ? { ...m, MessageAttributes: kept } : m;
        }),
      };
    });
    sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => {
      queue = queue.filter((m) => m.ReceiptHandle !== input.ReceiptHandle);
      return {};
    });
  });

  test("a message sent in gray carries the lane attribute; the default worker handles it in gray and its call goes out in gray", async () => {
    await runWithLane("gray", () => sendInLane(client, QUEUE_URL, "/orders/42"));
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageAttributes).toEqual({ lane: { DataType: "String", StringValue: "gray" } });

    const logged: SqsLaneLogEntry[] = [];
    const handled = await pollOnce({ sqs: client, queueUrl: QUEUE_URL, lane: "default", environment: { ORDER_API_URL: calleeUrl }, log: (e) => logged.push(e) });
    expect(handled.map((h) => [h.messageId, h.lane, h.workerLane])).toEqual([["m-1", "gray", "default"]]);
    expect(logged).toEqual([{ msg: "sqs message lane", lane: "gray", messageId: "m-1" }]);
    // The receive asked for the lane attribute (SQS returns only the attributes it is asked for).
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.MessageAttributeNames).toEqual(["lane"]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.tracestate).toBe("ctx=lane:gray");
    expect(calls[0]!.baggage).toBe("lane=gray");
    expect(calls[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(queue).toEqual([]);
  });

  test("a message without a lane is handled in default, even by the canary worker: no lane on its calls", async () => {
    await sendInLane(client, QUEUE_URL, "/orders/7");
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageAttributes).toBeUndefined();
    const handled = await pollOnce({ sqs: client, queueUrl: QUEUE_URL, lane: "canary", environment: { ORDER_API_URL: calleeUrl }, log: () => undefined });
    expect(handled.map((h) => [h.lane, h.workerLane])).toEqual([["default", "canary"]]);
    expect(calls[0]!.tracestate).toBeUndefined();
    expect(calls[0]!.baggage).toBeUndefined();
  });

  test("the lane counts against SQS's 10 message attributes: an 11th is refused with a clear error, nothing is sent", async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`attr${i}`, { DataType: "String", StringValue: String(i) }]));
    expect(() => runWithLane("gray", () => client.send(new SendMessageCommand(withLane({ QueueUrl: QUEUE_URL, MessageBody: "x", MessageAttributes: ten }))))).toThrow(LaneAttributeLimitError);
    expect(() => runWithLane("gray", () => withLane({ QueueUrl: QUEUE_URL, MessageBody: "x", MessageAttributes: ten }))).toThrow(
      "cannot add the SQS message attribute 'lane': the message already has 10 message attributes (attr0, attr1, attr2, attr3, attr4, attr5, attr6, attr7, attr8, attr9) and SQS allows at most 10. Remove one, or merge some into the message body, so the lane can travel with the message.",
    );
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    // Nine others leave room for the lane.
    const nine = Object.fromEntries(Object.entries(ten).slice(0, 9));
    expect(Object.keys(runWithLane("gray", () => withLane({ QueueUrl: QUEUE_URL, MessageBody: "x", MessageAttributes: nine })).MessageAttributes ?? {})).toHaveLength(10);
  });
});
