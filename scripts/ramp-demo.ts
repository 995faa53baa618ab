/**
 * The README's analysis and ramps of `gray` (lib/harness/ramp-world.ts): an analysis that fails,
 * a ramp promoted, a ramp aborted at 25 %,
 * run through the real lanes command with CloudWatch and the ALB answered at the SDK edge and
 * Terraform recorded. Run: npm run ramp:demo
 */
import { RampWorld, demo } from "../lib/harness/ramp-world";

async function main(): Promise<void> {
  const world = await RampWorld.start();
  try {
    for (const name of ["analyzed", "promoted", "aborted"] as const) process.stdout.write(`${await demo(world, name)}\n\n`);
  } finally {
    await world.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
