/**
 * A Terraform state in which the resources of a configuration already exist, built from
 * Terraform's own plan for creating them (`terraform show -json` of the saved plan) and the
 * provider's schema (`terraform providers schema -json`): each resource's planned values, with
 * what only AWS would know filled in so that planning the same configuration again changes
 * nothing but the tags the caller gives (__tests__/provider-recorded.test.ts applies that with
 * `-refresh=false`, so the provider goes straight to its tag update).
 */

/** The parts of the provider's schema this reads (`terraform providers schema -json`). */
export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, { readonly type?: unknown }>>;
  readonly block_types?: Readonly<Record<string, { readonly block: SchemaBlock }>>;
}
export interface ProviderSchemas {
  readonly provider_schemas: Readonly<Record<string, { readonly resource_schemas: Readonly<Record<string, { readonly version?: number; readonly block: SchemaBlock }>> }>>;
}

/** The parts of a saved plan this reads (`terraform show -json PLAN`). */
export interface PlanJson {
  readonly resource_changes: readonly {
    readonly type: string;
    readonly name: string;
    readonly change: { readonly after: Record<string, unknown>; readonly after_unknown: Record<string, unknown> };
  }[];
}

export const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";

type Values = Record<string, unknown>;

const isCollection = (type: unknown, kinds: readonly string[]) => Array.isArray(type) && kinds.includes(String(type[0]));

/**
 * Fills the values Terraform left unknown until AWS answers (`after_unknown`): a top-level `arn`
 * gets an ARN, a list, set or map is empty, a number in a nested block 0 (what the provider plans
 * for an unset one on update), anything else null (the provider keeps a null it did not plan).
 * In nested blocks an unset list or set is empty, as the provider plans it on update.
 */
function fill(block: SchemaBlock, values: Values, unknown: Values, top: boolean, arn: string): void {
  const attributes = block.attributes ?? {};
  const nested = block.block_types ?? {};
  if (!top) {
    for (const [name, attribute] of Object.entries(attributes)) {
      if (isCollection(attribute.type, ["list", "set"]) && (values[name] === null || values[name] === undefined)) values[name] = [];
    }
  }
  for (const [name, marker] of Object.entries(unknown)) {
    const inner = nested[name];
    if (inner) {
      const items = values[name];
      if (Array.isArray(marker) && Array.isArray(items)) {
        marker.forEach((m, i) => {
          if (m !== null && typeof m === "object" && items[i] !== null && typeof items[i] === "object") fill(inner.block, items[i] as Values, m as Values, false, arn);
        });
      }
      continue;
    }
    if (marker !== true) continue;
    const type = attributes[name]?.type;
    if (top && name === "arn") values[name] = arn;
    else if (isCollection(type, ["list", "set"])) values[name] = [];
    else if (isCollection(type, ["map"])) values[name] = {};
    else if (type === "number" && !top) values[name] = 0;
    else values[name] = null;
  }
}

/**
 * The state (format version 4) of the plan's resources as if created, each with `tags_all` as
 * `tagsAll(name)` returns for it, an `id` and an `arn` that name it.
 */
export function stateOfPlannedCreates(plan: PlanJson, schemas: ProviderSchemas, tagsAll: (name: string) => Record<string, string>): Values {
  const resources = schemas.provider_schemas[AWS_PROVIDER_ADDRESS]?.resource_schemas ?? {};
  return {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    lineage: "5b1e0a52-6f0e-4d4b-9c1a-6c616e657330",
    outputs: {},
    resources: plan.resource_changes.map(({ type, name, change }) => {
      const schema = resources[type];
      if (!schema) throw new Error(`the provider's schema has no resource type ${type}`);
      const values = structuredClone(change.after);
      fill(schema.block, values, change.after_unknown, true, `arn:aws:recorded:ap-southeast-2:123456789012:${type}/${name}`);
      return {
        mode: "managed",
        type,
        name,
        provider: `provider["${AWS_PROVIDER_ADDRESS}"]`,
        instances: [{ schema_version: schema.version ?? 0, attributes: { ...values, id: `recorded-${type}-${name}`, tags_all: tagsAll(name) }, sensitive_attributes: [] }],
      };
    }),
  };
}
