import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";
import type { WorkerConfig } from "../lib/params/config";

export interface WorkQueueProps {
  readonly name: string;
  readonly deadLetterName: string;
  readonly settings: WorkerConfig["queue"];
  readonly protect: boolean;
}

/**
 * A worker service's queue and its dead-letter queue: messages received
 * `maxReceiveCount` times without being deleted move to the DLQ for investigation and retry.
 * Both are encrypted with SQS-managed keys. Every lane of the service consumes the same queue.
 */
export class WorkQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetter: SqsQueue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const lifecycle = props.protect ? { preventDestroy: true } : undefined;
    this.deadLetter = new SqsQueue(this, "dlq", {
      name: props.deadLetterName,
      messageRetentionSeconds: props.settings.deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
      lifecycle,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      visibilityTimeoutSeconds: props.settings.visibilityTimeoutSeconds,
      messageRetentionSeconds: props.settings.retentionSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetter.arn, maxReceiveCount: props.settings.maxReceiveCount }),
      lifecycle,
    });
  }
}
