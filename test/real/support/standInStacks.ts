import type { CrawlOutputs, WalkOutputs } from "../../../phases/contract";
import { cardApiChecks } from "../../../phases/smoke";
import type { KumaConnection } from "../../../providers/kuma/client";
import { PulumiSandbox } from "./sandbox";
import { REPO } from "./peers";
import * as path from "path";

type Split<T> = { plain: Partial<T>; secret: Partial<T> };

/** What crawl would export, with the gateway at `gatewayUrl`. */
export function crawlStandIn(gatewayUrl: string, sshPrivateKey: string): Split<CrawlOutputs> {
  const host = (role: string, ip: string) => ({
    role,
    id: `onprem-${role}`,
    privateAddress: ip,
    publicAddress: "127.0.0.1",
    sshUser: "ubuntu",
  });
  return {
    plain: {
      phase: "crawl",
      network: { mode: "existing", subnetIds: [], subnetCidrs: ["10.0.0.0/24"], routeTableIds: [] },
      hosts: { monolith: host("monolith", "10.0.0.10"), gateway: host("gateway", "10.0.0.11") },
      konnect: {
        region: "us",
        controlPlaneId: "00000000-0000-4000-8000-000000000001",
        controlPlaneEndpoint: "https://cp.invalid",
        telemetryEndpoint: "https://tp.invalid",
      },
      monolithUrl: "http://10.0.0.10:8080/monolith/resources",
      gatewayProxyUrl: gatewayUrl,
      smokeChecks: cardApiChecks(gatewayUrl, "/mesh"),
    },
    secret: { sshPrivateKey },
  };
}

/** What walk would export, with the global control plane's API at `kumaApi`. */
export function walkStandIn(
  gatewayUrl: string,
  kumaApi: Required<KumaConnection>,
  sshPrivateKey: string,
): Split<WalkOutputs> {
  const microservice = {
    name: "microservice",
    namespace: "microservice",
    port: 8080,
    meshService: "microservice_microservice_svc_8080",
  };
  return {
    plain: {
      phase: "walk",
      mesh: {
        name: "default",
        globalControlPlaneUrl: kumaApi.url,
        onPremZone: "on-prem",
        cloudZone: "cloud",
        gatewayOutbounds: { monolith: 33033, microservice: 33034 },
      },
      services: { monolith: "monolith", microservice: microservice.meshService },
      microservice,
      loadBalancers: [],
      smokeChecks: cardApiChecks(gatewayUrl, "/mesh"),
    },
    secret: { kumaApi, kubeconfig: "{}", sshPrivateKey },
  };
}

/** Deploys a stand-in stack `<phase>` of project cloud-migration-journey in the sandbox. */
export async function deployStandIn(
  sandbox: PulumiSandbox,
  phase: "crawl" | "walk",
  outputs: Split<unknown>,
): Promise<void> {
  const dir = path.join(sandbox.dir, `standin-${phase}`);
  sandbox.stage(`standin-${phase}`, path.join(REPO, "test/real/programs/standin"), ["tsconfig.json"]);
  const pulumi = async (args: string[], input?: string) => {
    const result = await sandbox.cli([...args, "--stack", phase], dir, { input });
    if (result.code !== 0)
      throw new Error(`stand-in ${phase}: pulumi ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  };
  await pulumi(["stack", "init"]);
  await pulumi(["config", "set", "--plaintext", "outputs", JSON.stringify(outputs.plain)]);
  await pulumi(["config", "set", "--plaintext", "secretKeys", JSON.stringify(Object.keys(outputs.secret))]);
  await pulumi(["config", "set", "--secret", "secretOutputs"], JSON.stringify(outputs.secret));
  await pulumi(["up", "--yes", "--skip-preview"]);
}
