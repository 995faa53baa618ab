import { RAMP_EXIT } from "../analysis/ramp";

/** Every exit code of the lanes CLI, once. Each command lists the ones it may return (see its file). */
export const EXIT = {
  ok: { code: 0, meaning: "done" },
  failed: { code: 1, meaning: "failure (the message says which step)" },
  usage: { code: 2, meaning: "bad input: arguments, names or params (nothing was changed)" },
  lowerLayerMissing: { code: 3, meaning: "a lower layer the stack reads has not been deployed" },
  locked: { code: 4, meaning: "the stack's state is locked by another run" },
  unhealthy: { code: 5, meaning: "promotion stopped: default did not become healthy" },
  refused: { code: 6, meaning: "refused (e.g. destroy default without --force, promote default)" },
  unknownLane: { code: 7, meaning: "unknown lane (no state), or nothing to act on" },
  canaryRolledBack: { code: 8, meaning: "canary rolled back: an alarm fired during the bake, or it did worse than default" },
  regression: { code: RAMP_EXIT.regression, meaning: "the lane does worse than default: analysis fail (a ramp set the lane's weight back to 0)" },
  undecided: { code: RAMP_EXIT.undecided, meaning: "not enough evidence: analysis inconclusive (a ramp that stayed so, or could not read its metrics, set the weight back to 0)" },
  quota: { code: 11, meaning: "the deploy would exceed an AWS quota (rules or target groups per load balancer)" },
  noCredentials: { code: 12, meaning: "no usable AWS credentials" },
  unreachable: { code: 13, meaning: "an AWS endpoint could not be reached" },
  accessDenied: { code: 14, meaning: "AWS denied a call (the message names the action and resource)" },
} as const;

/** Exit codes any command that calls AWS may return (help lists them for every command). */
export const AWS_EXIT_NAMES = ["noCredentials", "unreachable", "accessDenied"] as const;

export type ExitName = keyof typeof EXIT;

/** Known failures carry the exit code the CLI returns; anything else is a bug (exit 1 with a trace under --debug). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exit: ExitName,
  ) {
    super(message);
    this.name = "CliError";
  }

  get exitCode(): number {
    return EXIT[this.exit].code;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, "usage");
    this.name = "UsageError";
  }
}
