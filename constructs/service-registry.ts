import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { Construct } from "constructs";

export interface ServiceRegistryProps {
  readonly name: string;
  readonly namespaceId: string;
  readonly protect: boolean;
}

/**
 * Cloud Map service `{service}` in `{env}.local`; every lane's ECS service registers its tasks
 * here. ECS cannot put custom attributes on the instances it registers, so a client finds a
 * lane through the attribute ECS does set: `ECS_SERVICE_NAME = {service}-{env}-{lane}`.
 */
export class ServiceRegistry extends Construct {
  readonly service: ServiceDiscoveryService;

  constructor(scope: Construct, id: string, props: ServiceRegistryProps) {
    super(scope, id);
    this.service = new ServiceDiscoveryService(this, "service", {
      name: props.name,
      dnsConfig: {
        namespaceId: props.namespaceId,
        routingPolicy: "MULTIVALUE",
        dnsRecords: [{ type: "A", ttl: 10 }],
      },
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
  }
}
