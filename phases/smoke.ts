import type { SmokeCheck } from "./contract";

/** The anchor's validation requests under a route prefix: all 200, disputes answered by the monolith. */
export function cardApiChecks(
  proxyUrl: string,
  routePrefix: string,
  disputesBy: "monolith" | "microservice" = "monolith",
): SmokeCheck[] {
  const base = `${proxyUrl.replace(/\/$/, "")}${routePrefix}`;
  const get = (name: string, path: string, extra: Partial<SmokeCheck> = {}): SmokeCheck => ({
    name: `${routePrefix.slice(1)}: ${name}`,
    method: "GET",
    url: `${base}${path}`,
    expectStatus: 200,
    from: "client",
    ...extra,
  });
  return [
    get("card", "/card/1", { expectJson: "object", expectBodyContains: "cardNumber" }),
    get("balance", "/card/balance/1", { expectJson: "object", expectBodyContains: "availableCredit" }),
    get("charges", "/card/balance/1/charges", { expectJson: "array" }),
    get("payments", "/card/payment", { expectJson: "array" }),
    disputesBy === "monolith"
      ? get("disputes (monolith)", "/card/dispute", { expectBodyContains: "Please Dial in to see disputes on file" })
      : get("disputes (microservice)", "/card/dispute", {
          expectJson: "array",
          expectBodyContains: "Duplicate Charge",
        }),
  ];
}
