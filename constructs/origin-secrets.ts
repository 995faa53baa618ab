import { DataResource, Fn } from "cdktf";
import { Construct } from "constructs";

export interface OriginSecretsProps {
  /** The generations to keep (those CloudFront sends): one, or two consecutive ones during a rotation. */
  readonly generations: readonly number[];
}

/**
 * The secret CloudFront adds to every origin request and the ALBs of services behind the edge
 * require, one value per generation. Each value is made by Terraform when its generation first
 * appears (SHA-256 of two random UUIDs: Terraform's `uuid()` reads the OS's cryptographic random
 * source) and kept in this stack's state from then on (`ignore_changes`); nobody writes it in
 * params or the repository. A generation that leaves the list is destroyed with its value.
 */
export class OriginSecrets extends Construct {
  readonly values: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: OriginSecretsProps) {
    super(scope, id);
    const values: Record<string, string> = {};
    for (const generation of props.generations) {
      const secret = new DataResource(this, `generation-${generation}`, {
        input: { value: Fn.sha256(`${Fn.uuid()}${Fn.uuid()}`) },
        lifecycle: { ignoreChanges: ["input"] },
      });
      values[String(generation)] = Fn.lookup(secret.output, "value");
    }
    this.values = values;
  }
}
