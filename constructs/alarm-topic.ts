import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  readonly name: string;
}

/** The service's notification topic: every lane's alarms notify it (subscribe your on-call tools to it). */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: props.name, kmsMasterKeyId: "alias/aws/sns" });
  }
}
