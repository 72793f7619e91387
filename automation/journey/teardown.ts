/**
 * Tearing the phases down: a phase's in-cluster resources first, then its load balancers' departure
 * awaited, then the rest (cluster, network); the phases newest first.
 */
import { PHASES, Phase } from "../../config/schema";
import type { DeployedResource } from "../engines/engine";
import { isStackRoot } from "../engines/engine";
import { mentionsUnknown } from "../../offline/mocks";
import { formatDuration } from "./wording";
import { EngineError } from "./errors";
import { isInCluster, loadBalancerHostnames } from "./loadBalancers";
import { JourneyParts, OperationContext, runPhase } from "./operation";
import type { DestroyReport } from "./reports";

/** The body of `journey destroy`: run, walk, crawl in that order, stacks already empty skipped. */
export async function destroyAll(
  parts: JourneyParts,
  ctx: OperationContext,
): Promise<{ result: DestroyReport; message: string }> {
  const destroyed: Phase[] = [];
  for (const phase of [...PHASES].reverse()) {
    const resources = await deployedResources(parts, phase);
    if (resources.length === 0) {
      parts.emit({
        type: "phase-finished",
        phase,
        action: "destroy",
        changes: {},
        durationMs: 0,
        skipped: "nothing deployed",
      });
      continue;
    }
    await destroyPhase(parts, phase, resources, ctx);
    destroyed.push(phase);
    ctx.where = `destroyed so far: ${destroyed.join(", ")}`;
  }
  return {
    result: { destroyed },
    message: destroyed.length > 0 ? `destroyed ${destroyed.join(", ")}` : "nothing to destroy: no phase is deployed",
  };
}

/** The newest phase whose stack holds resources, deployed or partly. */
export async function newestPhase(
  parts: JourneyParts,
): Promise<{ phase: Phase; resources: DeployedResource[] } | undefined> {
  for (const phase of [...PHASES].reverse()) {
    const resources = await deployedResources(parts, phase);
    if (resources.length > 0) return { phase, resources };
  }
  return undefined;
}

async function deployedResources({ engine }: JourneyParts, phase: Phase): Promise<DeployedResource[]> {
  return (await engine.resources(phase)).filter((r) => !isStackRoot(r.type));
}

/** In-cluster resources first, then their load balancers' departure, then the rest (cluster, network). */
export async function destroyPhase(
  parts: JourneyParts,
  phase: Phase,
  resources: DeployedResource[],
  ctx: OperationContext,
): Promise<void> {
  const { engine } = parts;
  const inCluster = resources.filter(isInCluster);
  const others = resources.filter((r) => !isInCluster(r) && !r.type.startsWith("pulumi:providers:"));
  if (inCluster.length > 0 && others.length > 0) {
    const hostnames = loadBalancerHostnames(resources, (await engine.inspect(phase)).outputs);
    const scope = "in-cluster resources first";
    await runPhase(
      parts,
      phase,
      "destroy",
      ctx,
      (o) =>
        engine.destroy(phase, {
          ...o,
          targets: inCluster.map((r) => r.urn),
          message: `journey destroy ${phase}: ${scope}`,
        }),
      scope,
    );
    await waitForLoadBalancers(parts, phase, hostnames, ctx);
  }
  await runPhase(
    parts,
    phase,
    "destroy",
    ctx,
    (o) => engine.destroy(phase, { ...o, message: `journey destroy ${phase}` }),
    inCluster.length > 0 && others.length > 0 ? "the rest" : undefined,
  );
}

async function waitForLoadBalancers(
  { emit, clock, probe, loadBalancerTimeoutMs }: JourneyParts,
  phase: Phase,
  hostnames: string[],
  ctx: OperationContext,
): Promise<void> {
  const known = hostnames.filter((h) => !mentionsUnknown(h));
  const detail =
    known.length > 0
      ? `for ${known.length} load balancer(s) to go before ${phase}'s network is destroyed: ${known.join(", ")}`
      : clock.waits
        ? `${phase}'s state names no load balancer to wait for`
        : `a real destroy waits here until the load balancers in ${phase}'s state are gone, before it destroys the network`;
  emit({
    type: "waiting",
    phase,
    what: "load-balancers",
    durationMs: known.length > 0 ? loadBalancerTimeoutMs : 0,
    real: clock.waits && known.length > 0,
    detail,
  });
  const deadline = clock.now() + loadBalancerTimeoutMs;
  let remaining = known;
  while (remaining.length > 0) {
    const gone = await Promise.all(remaining.map((h) => probe(h)));
    remaining = remaining.filter((_, i) => !gone[i]);
    if (remaining.length === 0) return;
    if (clock.now() >= deadline) {
      throw new EngineError(
        `load balancer(s) ${remaining.join(", ")} still exist ${formatDuration(loadBalancerTimeoutMs)} after ${phase}'s in-cluster resources were destroyed; destroy stopped before the network. Run \`journey destroy --yes\` again once they are gone.`,
        "journey destroy --yes",
      );
    }
    await clock.sleep(15_000, ctx.signal);
  }
}
