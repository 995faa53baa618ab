import { currentLane, currentLaneContext, runWithLane } from "../src/context";
import {
  LaneAttributeLimitError,
  type SqsLaneLogEntry,
  type SqsMessageAttributes,
  laneFromSqsMessage,
  runWithSqsMessageLane,
  withLaneAttribute,
  withLaneAttributeBatch,
  withLaneAttributeName,
} from "../src/sqs";
import { LaneNameError } from "../src/write";

const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/user-api-dev-queue";

function attributes(n: number): SqsMessageAttributes {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, { DataType: "String", StringValue: String(i) }]));
}

describe("sending: the lane as a message attribute", () => {
  it("adds MessageAttributes.lane from the current lane, leaving the input untouched", () => {
    const input = { QueueUrl: QUEUE, MessageBody: "{}", MessageAttributes: { kind: { DataType: "String", StringValue: "signup" } } };
    const out = runWithLane("gray", () => withLaneAttribute(input));
    expect(out).toEqual({
      QueueUrl: QUEUE,
      MessageBody: "{}",
      MessageAttributes: { kind: { DataType: "String", StringValue: "signup" }, lane: { DataType: "String", StringValue: "gray" } },
    });
    expect(input.MessageAttributes).toEqual({ kind: { DataType: "String", StringValue: "signup" } });
  });

  it("takes an explicit lane and replaces a stale lane attribute", () => {
    const input = { QueueUrl: QUEUE, MessageBody: "{}", MessageAttributes: { lane: { DataType: "String", StringValue: "blue" } } };
    expect(withLaneAttribute(input, "gray").MessageAttributes).toEqual({ lane: { DataType: "String", StringValue: "gray" } });
  });

  it("adds nothing for the default lane and removes a stale lane attribute", () => {
    const plain = { QueueUrl: QUEUE, MessageBody: "{}" };
    expect(withLaneAttribute(plain)).toBe(plain);
    expect(withLaneAttribute({ ...plain, MessageAttributes: { lane: { DataType: "String", StringValue: "gray" } } }, "default")).toEqual({
      ...plain,
      MessageAttributes: {},
    });
  });

  it("fits the lane when 9 other attributes are there (10 in all)", () => {
    const out = withLaneAttribute({ QueueUrl: QUEUE, MessageBody: "{}", MessageAttributes: attributes(9) }, "gray");
    expect(Object.keys(out.MessageAttributes ?? {})).toHaveLength(10);
    expect(out.MessageAttributes?.lane).toEqual({ DataType: "String", StringValue: "gray" });
  });

  it("throws a clear error rather than dropping the lane when 10 other attributes are there", () => {
    const input = { QueueUrl: QUEUE, MessageBody: "{}", MessageAttributes: attributes(10) };
    expect(() => withLaneAttribute(input, "gray")).toThrow(LaneAttributeLimitError);
    expect(() => withLaneAttribute(input, "gray")).toThrow(/at most 10/);
    // Replacing an existing lane attribute among 10 needs no room.
    const withLane = { ...attributes(9), lane: { DataType: "String", StringValue: "blue" } };
    expect(withLaneAttribute({ ...input, MessageAttributes: withLane }, "gray").MessageAttributes?.lane?.StringValue).toBe("gray");
  });

  it("refuses an invalid lane", () => {
    expect(() => withLaneAttribute({ MessageBody: "{}" }, "Gray")).toThrow(LaneNameError);
  });

  it("tags every entry of a batch", () => {
    const out = runWithLane("gray", () =>
      withLaneAttributeBatch({ QueueUrl: QUEUE, Entries: [{ Id: "1", MessageBody: "a" }, { Id: "2", MessageBody: "b", MessageAttributes: attributes(2) }] }),
    );
    expect(out.Entries?.map((e) => e.MessageAttributes?.lane?.StringValue)).toEqual(["gray", "gray"]);
    expect(() => withLaneAttributeBatch({ Entries: [{ Id: "1", MessageBody: "a", MessageAttributes: attributes(10) }] }, "gray")).toThrow(
      LaneAttributeLimitError,
    );
  });

  it("asks ReceiveMessage for the lane attribute", () => {
    expect(withLaneAttributeName({ QueueUrl: QUEUE })).toEqual({ QueueUrl: QUEUE, MessageAttributeNames: ["lane"] });
    expect(withLaneAttributeName({ QueueUrl: QUEUE, MessageAttributeNames: ["kind"] }).MessageAttributeNames).toEqual(["kind", "lane"]);
    const all = { QueueUrl: QUEUE, MessageAttributeNames: ["All"] };
    expect(withLaneAttributeName(all)).toBe(all);
  });
});

describe("receiving: the worker restores and logs the lane", () => {
  it("reads the lane of an SDK Message and of a Lambda SQS record", () => {
    expect(laneFromSqsMessage({ MessageId: "m1", MessageAttributes: { lane: { DataType: "String", StringValue: "gray" } } })).toBe("gray");
    expect(laneFromSqsMessage({ messageId: "m2", messageAttributes: { lane: { dataType: "String", stringValue: "blue" } } })).toBe("blue");
    expect(laneFromSqsMessage({ MessageAttributes: { lane: { DataType: "String.lane", StringValue: "gray" } } })).toBe("gray");
  });

  it.each([
    ["no attributes", {}],
    ["an invalid lane", { MessageAttributes: { lane: { DataType: "String", StringValue: "Gray!" } } }],
    ["a number", { MessageAttributes: { lane: { DataType: "Number", StringValue: "1" } } }],
    ["another attribute", { MessageAttributes: { kind: { DataType: "String", StringValue: "gray" } } }],
  ])("reads default from a message with %s", (_name, message) => {
    expect(laneFromSqsMessage(message)).toBe("default");
  });

  it("runs the handler in the message's lane, logs it, and forgets it afterwards", async () => {
    const logged: SqsLaneLogEntry[] = [];
    const message = { MessageId: "m1", Body: "{}", MessageAttributes: { lane: { DataType: "String", StringValue: "gray" } } };
    const seen = await runWithSqsMessageLane(
      message,
      async (lane) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { lane, current: currentLane(), tracestate: currentLaneContext()?.headers.tracestate };
      },
      { log: (entry) => logged.push(entry) },
    );
    expect(seen).toEqual({ lane: "gray", current: "gray", tracestate: "ctx=lane:gray" });
    expect(logged).toEqual([{ msg: "sqs message lane", lane: "gray", messageId: "m1" }]);
    expect(currentLane()).toBe("default");
  });

  it("a message without a lane runs in default even inside another lane's context", () => {
    const lane = runWithLane("gray", () => runWithSqsMessageLane({ MessageId: "m2" }, () => currentLane(), { log: false }));
    expect(lane).toBe("default");
  });

  it("logs one JSON line on stdout by default", () => {
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      runWithSqsMessageLane({ MessageId: "m3", MessageAttributes: { lane: { DataType: "String", StringValue: "blue" } } }, () => undefined);
      expect(write).toHaveBeenCalledWith('{"msg":"sqs message lane","lane":"blue","messageId":"m3"}\n');
    } finally {
      write.mockRestore();
    }
  });

  it("round-trips: what a sender in a lane writes, a worker reads back", () => {
    const sent = runWithLane("gray", () => withLaneAttribute({ QueueUrl: QUEUE, MessageBody: "{}" }));
    const received = { MessageId: "m4", Body: sent.MessageBody, MessageAttributes: sent.MessageAttributes };
    expect(runWithSqsMessageLane(received, () => currentLane(), { log: false })).toBe("gray");
  });
});
