import * as pulumi from "@pulumi/pulumi";
import type { StackSecrets } from "../config/load";
import { Migration, PROJECT, RunConfig } from "../config/schema";
import { Cutover } from "../components/cutover";
import { KumaResource } from "../providers/kuma/resources";
import { meshCircuitBreaker, monolithCatchAllRoute } from "../render/kuma";
import { defaultStackRef, DeclaredOutputs, readEarlierPhase, readPhaseOutput, SmokeCheck } from "./contract";
import { cardApiChecks } from "./smoke";

/**
 * Run: the cutover. Mesh traffic policies move each migration's path from the monolith to the
 * microservice by weight, while API consumers keep calling the same gateway route. The stack owns
 * only the policies: moving forward or back is a change of one weight.
 */
export async function run(config: RunConfig, _secrets: StackSecrets): Promise<DeclaredOutputs<"run">> {
  const prefix = config.namePrefix;
  const walkRefName = config.stackRefs.walk ?? defaultStackRef(PROJECT, "walk");
  const crawlRefName = config.stackRefs.crawl ?? defaultStackRef(PROJECT, "crawl");
  const walkRef = new pulumi.StackReference(walkRefName);
  const crawlRef = new pulumi.StackReference(crawlRefName);
  await Promise.all([
    readEarlierPhase(walkRef, walkRefName, "walk", []),
    readEarlierPhase(crawlRef, crawlRefName, "crawl", []),
  ]);
  const api = pulumi.secret(readPhaseOutput(walkRef, "walk", "kumaApi"));
  const microservice = readPhaseOutput(walkRef, "walk", "microservice").apply((m) => {
    const unknownTarget = config.migrations.find((migration) => migration.to !== m.name);
    if (unknownTarget) {
      throw new pulumi.RunError(
        `${PROJECT}:migrations: "${unknownTarget.name}" moves to "${unknownTarget.to}", which walk does not deploy; allowed: "${m.name}"`,
      );
    }
    return { name: m.name, namespace: m.namespace, port: m.port };
  });
  const r = config.resilience;

  // Every path the gateway sends the monolith keeps going there unless a migration says otherwise.
  const catchAll = new KumaResource(`${prefix}-route-monolith`, { connection: api, resource: monolithCatchAllRoute() });
  const cutovers = config.migrations.map(
    (migration) =>
      new Cutover(
        `${prefix}-cutover-${migration.name}`,
        {
          api,
          migration,
          microservice,
          timeouts: {
            connectionTimeout: r.connectTimeout,
            idleTimeout: r.idleTimeout,
            requestTimeout: r.requestTimeout,
          },
          retries: { numRetries: r.retries, perTryTimeout: r.perTryTimeout },
        },
        { dependsOn: [catchAll] },
      ),
  );
  new KumaResource(`${prefix}-microservice-circuit-breaker`, {
    connection: api,
    resource: microservice.apply((to) =>
      meshCircuitBreaker({
        name: "microservice-outlier-detection",
        microservice: to,
        circuitBreaking: {
          interval: r.ejectionInterval,
          baseEjectionTime: r.baseEjectionTime,
          maxEjectionPercent: r.maxEjectionPercent,
          consecutiveFailures: r.consecutive5xx,
        },
      }),
    ),
  });

  const proxyUrl = readPhaseOutput(crawlRef, "crawl", "gatewayProxyUrl");
  return {
    phase: "run",
    migrations: config.migrations.map((m, i) => ({
      name: m.name,
      weight: m.weight,
      pathPrefix: m.pathPrefix,
      rewritePrefix: m.rewritePrefix,
      route: cutovers[i].routeName,
      ...(m.earlyAccess?.enabled
        ? { earlyAccess: { header: m.earlyAccess.header, values: m.earlyAccess.values } }
        : {}),
    })),
    smokeChecks: proxyUrl.apply((url) => cutoverChecks(url, config.migrations, config.monolith.basePath)),
  };
}

/**
 * What proves the cutover at the configured weights: each migrated path answers 200 (at 0 with the
 * monolith's body, at 100 with the microservice's), and the rest of the card API still answers.
 */
export function cutoverChecks(proxyUrl: string, migrations: Migration[], basePath: string): SmokeCheck[] {
  const base = basePath.replace(/\/$/, "");
  const checks: SmokeCheck[] = cardApiChecks(proxyUrl, "/mesh").filter(
    (c) => !migrations.some((m) => c.url.endsWith(gatewayPath(m, base))),
  );
  for (const m of migrations) {
    const url = `${proxyUrl.replace(/\/$/, "")}${gatewayPath(m, base)}`;
    const check: SmokeCheck = {
      name: `${m.name} at weight ${m.weight}`,
      method: "GET",
      url,
      expectStatus: 200,
      from: "client",
    };
    if (m.weight === 0)
      checks.push({
        ...check,
        name: `${check.name}: answered by the monolith`,
        expectBodyContains: "Please Dial in to see disputes on file",
      });
    else if (m.weight === 100)
      checks.push({ ...check, name: `${check.name}: answered by the microservice`, expectJson: "array" });
    else checks.push(check);
  }
  return checks;
}

/** The public path of a migration: the gateway's `/mesh` route strips `/mesh` and adds the monolith's base path. */
export function gatewayPath(m: Pick<Migration, "pathPrefix">, monolithBase: string): string {
  if (!m.pathPrefix.startsWith(monolithBase)) return m.pathPrefix;
  return `/mesh${m.pathPrefix.slice(monolithBase.length)}`;
}
