import * as pulumi from "@pulumi/pulumi";
import type { Migration, Phase } from "../../../config/schema";
import { PROJECT } from "../../../config/schema";
import type { SmokeCheck } from "../../../phases/contract";
import { offlineJourney } from "../../../automation/journey";
import type { CheckAttempt, Journey, JourneyEvent, MetricsSource, SmokeCheckRunner } from "../../../automation/journey";
import type { OfflineStep } from "../../../automation/engines/offline";
import { stackConfigFromObject, StackFile } from "../../../offline/stackConfig";

/**
 * A small stand-in for the real program, so that the orchestration tests run in milliseconds and
 * do not depend on how walk and run are built: a few resources per phase (of types the shared
 * mocks know), a walk with an in-cluster LoadBalancer Service, and run's weights in one resource
 * per migration.
 */

export const LOAD_BALANCER = "a1b2c3-zone-ingress.elb.us-west-2.amazonaws.com";

export interface FakeProgramOptions {
  /** Resources a weight change updates (the real run phase guarantees one). */
  resourcesPerWeight?: number;
}

class FakeResource extends pulumi.CustomResource {
  constructor(type: string, name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

const resource = (type: string, name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) =>
  new FakeResource(type, name, props, opts);

const check = (phase: Phase, path: string): SmokeCheck => ({
  name: `${phase}: ${path}`,
  method: "GET",
  url: `http://gateway.test${path}`,
  expectStatus: 200,
  from: "client",
});

export function fakeProgram(options: FakeProgramOptions = {}): () => Record<string, unknown> {
  return () => {
    const config = new pulumi.Config(PROJECT);
    const phase = config.require("phase") as Phase;
    switch (phase) {
      case "crawl": {
        resource("aws:ec2/vpc:Vpc", "onprem-vpc", { cidrBlock: "10.0.0.0/23" });
        resource("aws:ec2/instance:Instance", "monolith", { instanceType: "t3.small" });
        resource("aws:ec2/instance:Instance", "gateway", { instanceType: "t3.small" });
        return { phase, smokeChecks: [check(phase, "/onprem/card/1")] };
      }
      case "walk": {
        const crawl = new pulumi.StackReference(`organization/${PROJECT}/crawl`);
        resource("aws:ec2/vpc:Vpc", "cloud-vpc", { cidrBlock: "10.1.0.0/16", peerOf: crawl.requireOutput("phase") });
        resource("aws:ec2/subnet:Subnet", "cloud-subnet", { cidrBlock: "10.1.0.0/20" });
        resource("eks:index:Cluster", "cloud-eks", {});
        const namespace = resource("kubernetes:core/v1:Namespace", "kong-mesh-system", {
          metadata: { name: "kong-mesh-system" },
        });
        resource(
          "kubernetes:core/v1:Service",
          "zone-ingress",
          { spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ hostname: LOAD_BALANCER }] } } },
          { parent: namespace },
        );
        resource("kubernetes:apps/v1:Deployment", "microservice", { spec: { replicas: 2 } });
        return {
          phase,
          smokeChecks: [check(phase, "/mesh/card/1"), { ...check(phase, "/disputes"), from: "cluster" }],
        };
      }
      case "run": {
        const walk = new pulumi.StackReference(`organization/${PROJECT}/walk`);
        const migrations = config.requireObject<Migration[]>("migrations");
        for (const m of migrations) {
          for (let i = 0; i < (options.resourcesPerWeight ?? 1); i++) {
            const early = m.earlyAccess && m.earlyAccess.enabled !== false ? { earlyAccess: m.earlyAccess.values } : {};
            resource("pulumi-nodejs:dynamic/kuma:Resource", `${m.name}-route${i || ""}`, {
              kind: "MeshHTTPRoute",
              weight: m.weight,
              mesh: walk.requireOutput("phase"),
              ...early,
            });
          }
          resource("pulumi-nodejs:dynamic/kuma:Resource", `${m.name}-timeouts`, { kind: "MeshTimeout" });
        }
        return {
          phase,
          migrations: migrations.map((m) => ({ ...m, route: `${m.name}-route` })),
          smokeChecks: [check(phase, "/mesh/card/dispute")],
        };
      }
    }
  };
}

export function fakeStackFiles(
  migrations: Array<Partial<Migration> & { name: string; weight: number }> = [{ name: "disputes", weight: 0 }],
): Record<Phase, StackFile> {
  const file = (phase: Phase, extra: Record<string, unknown> = {}) =>
    stackConfigFromObject(phase, { "aws:region": "us-west-2", [`${PROJECT}:phase`]: phase, ...extra });
  const full = migrations.map((m) => ({
    pathPrefix: "/card/dispute",
    rewritePrefix: "/disputes",
    to: "microservice",
    ...m,
  }));
  return { crawl: file("crawl"), walk: file("walk"), run: file("run", { [`${PROJECT}:migrations`]: full }) };
}

/** A smoke runner whose verdict the test decides, per check and attempt; records every call. */
export class ScriptedRunner implements SmokeCheckRunner {
  readonly calls: Array<{ check: string; attempt: number }> = [];
  private readonly attempts = new Map<string, number>();

  constructor(private readonly decide: (check: SmokeCheck, attempt: number) => CheckAttempt = () => PASS) {}

  async run(check: SmokeCheck): Promise<CheckAttempt> {
    const attempt = (this.attempts.get(check.name) ?? 0) + 1;
    this.attempts.set(check.name, attempt);
    this.calls.push({ check: check.name, attempt });
    return this.decide(check, attempt);
  }
}

export const PASS: CheckAttempt = { status: "passed", detail: "HTTP 200" };
export const FAIL = (detail = "expected HTTP 200, got 503"): CheckAttempt => ({ status: "failed", detail });

export interface FakeJourney {
  journey: Journey;
  events: JourneyEvent[];
  runner: ScriptedRunner;
}

/** An offline journey over the fake program, with its events recorded. */
export function fakeJourney(
  options: FakeProgramOptions & {
    runner?: ScriptedRunner;
    beforeStep?: (step: OfflineStep) => void | Promise<void>;
    stackFiles?: Record<Phase, StackFile>;
    loadBalancerProbe?: (hostname: string) => Promise<boolean>;
    metrics?: (prometheusUrl: string) => MetricsSource;
  } = {},
): FakeJourney {
  const runner = options.runner ?? new ScriptedRunner();
  const journey = offlineJourney({
    program: fakeProgram(options),
    stackFiles: options.stackFiles ?? fakeStackFiles(),
    smoke: runner,
    smokePolicy: { timeoutMs: 60_000, intervalMs: 10_000 },
    beforeStep: options.beforeStep,
    loadBalancerProbe: options.loadBalancerProbe ?? (async () => true),
    metrics: options.metrics,
  });
  const events: JourneyEvent[] = [];
  journey.subscribe((e) => events.push(e));
  return { journey, events, runner };
}

export function ofType<T extends JourneyEvent["type"]>(
  events: JourneyEvent[],
  type: T,
): Array<Extract<JourneyEvent, { type: T }>> {
  return events.filter((e): e is Extract<JourneyEvent, { type: T }> => e.type === type);
}
