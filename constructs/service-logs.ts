import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";

export interface ServiceLogsProps {
  readonly name: string;
  readonly retentionDays: number;
  readonly protect: boolean;
}

/** Log group `/ecs/{env}/{service}`; each lane writes under stream prefix `{lane}`. */
export class ServiceLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ServiceLogsProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "group", {
      name: props.name,
      retentionInDays: props.retentionDays,
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
  }
}
