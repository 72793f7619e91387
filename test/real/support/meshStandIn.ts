import { randomBytes } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import type { MeshHTTPRoute } from "../../../render/kuma";
import { GATEWAY_SERVICE, MONOLITH_SERVICE } from "../../../render/kuma/services";
import { deliver } from "../../kuma/meshSemantics";
import type { KumaServer } from "../../support/kumaServer";
import { closeServer, listenLocal } from "../../support/net";

const MONOLITH_BASE = "/monolith/resources";
const MONOLITH: Record<string, { body: unknown } | { text: string }> = {
  "/card/1": { body: { cardNumber: "4111-1111-1111-1111" } },
  "/card/balance/1": { body: { availableCredit: 1000 } },
  "/card/balance/1/charges": { body: [] },
  "/card/payment": { body: [] },
  "/card/dispute": { text: "Please Dial in to see disputes on file" },
};

/**
 * The gateway and the services behind it, where Kong and the mesh cannot run: a request to
 * `/mesh/<path>` goes, as the gateway's `/mesh` route sends it, to `<monolith base>/<path>` on the
 * gateway's outbound to the monolith, and from there where the MeshHTTPRoutes stored in the Kuma
 * control plane say (test/kuma/meshSemantics.ts evaluates them), with a fresh x-kong-request-id per
 * request as Kong sends. A model of the data plane: what it proves is what the control plane holds.
 */
export class MeshStandIn {
  /** Requests each service received, by path. */
  readonly received: Array<{ service: string; path: string }> = [];
  /** When set, the microservice answers this status instead. */
  microserviceStatus?: number;
  private constructor(
    private readonly server: http.Server,
    private readonly kuma: KumaServer,
    private readonly microservice: string,
  ) {}

  static async start(kuma: KumaServer, microservice: string): Promise<MeshStandIn> {
    const server = http.createServer();
    const standIn = new MeshStandIn(server, kuma, microservice);
    server.on("request", (req, res) => standIn.serve(req, res));
    await listenLocal(server);
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The routes in effect: every MeshHTTPRoute of the default mesh the control plane stores. */
  routes(): MeshHTTPRoute[] {
    return this.kuma
      .paths()
      .filter((p) => p.startsWith("/meshes/default/meshhttproutes/"))
      .map((p) => this.kuma.stored(p) as unknown as MeshHTTPRoute);
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (!url.pathname.startsWith("/mesh/")) return json(res, 404, { message: "no Route matched with those values" });
    const path = `${MONOLITH_BASE}${url.pathname.slice("/mesh".length)}`;
    const deliveries = deliver(this.routes(), GATEWAY_SERVICE, MONOLITH_SERVICE, {
      path,
      headers: { "x-kong-request-id": randomBytes(16).toString("hex") },
    });
    let pick = Math.random();
    const delivery = deliveries.find((d) => (pick -= d.share) < 0) ?? deliveries[deliveries.length - 1];
    this.received.push({ service: delivery.service, path: delivery.path });
    if (delivery.service === this.microservice) {
      if (this.microserviceStatus) return json(res, this.microserviceStatus, { error: "injected" });
      return delivery.path.startsWith("/disputes")
        ? json(res, 200, [{ id: 1, reason: "Duplicate Charge" }])
        : json(res, 404, { error: "not found" });
    }
    const answer = MONOLITH[delivery.path.slice(MONOLITH_BASE.length)];
    if (!answer) return json(res, 404, { error: "not found" });
    if ("text" in answer) {
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end(answer.text);
    }
    json(res, 200, answer.body);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
