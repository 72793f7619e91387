/**
 * Bodies of the token endpoints (`POST /tokens/zone`, `POST /tokens/dataplane`), which are not in
 * the published OpenAPI document; shapes from kumahq/kuma pkg/tokens/builtin/server (v2.14.3).
 * `validFor` is required here: the CP's default when it is left out is ten years.
 */
import { DEFAULT_MESH } from "./types";
import {
  KumaInputError,
  assertDistinct,
  assertGoDuration,
  assertOneOf,
  assertResourceName,
  assertZoneName,
} from "./validate";

const ZONE_TOKEN_SCOPES = ["cp", "ingress", "egress"] as const;
export type ZoneTokenScope = (typeof ZONE_TOKEN_SCOPES)[number];

export interface ZoneTokenRequest {
  zone: string;
  scope: ZoneTokenScope[];
  validFor: string;
}

export function zoneTokenRequest(args: ZoneTokenRequest): ZoneTokenRequest {
  if (!Array.isArray(args.scope) || args.scope.length === 0) {
    throw new KumaInputError(
      "zoneToken.scope",
      args.scope,
      `must list at least one of ${ZONE_TOKEN_SCOPES.join(", ")}`,
    );
  }
  const scope = args.scope.map((s, i) => assertOneOf(`zoneToken.scope[${i}]`, s, ZONE_TOKEN_SCOPES));
  assertDistinct("zoneToken.scope", scope);
  return {
    zone: assertZoneName("zoneToken.zone", args.zone),
    scope,
    validFor: assertGoDuration("zoneToken.validFor", args.validFor),
  };
}

export interface DataplaneTokenRequest {
  /** Binds the token to one Dataplane name; leave out for a token any proxy with the tags may use. */
  name?: string;
  mesh: string;
  /** e.g. `{ "kuma.io/service": ["monolith"] }`. */
  tags: Record<string, string[]>;
  validFor: string;
}

export function dataplaneTokenRequest(args: DataplaneTokenRequest): DataplaneTokenRequest {
  const tags = args.tags ?? {};
  for (const [tag, values] of Object.entries(tags)) {
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== "string" || v === "")) {
      throw new KumaInputError(
        `dataplaneToken.tags[${JSON.stringify(tag)}]`,
        values,
        "must be a non-empty list of tag values",
      );
    }
  }
  return {
    ...(args.name === undefined ? {} : { name: assertResourceName("dataplaneToken.name", args.name) }),
    mesh: assertResourceName("dataplaneToken.mesh", args.mesh ?? DEFAULT_MESH),
    tags,
    validFor: assertGoDuration("dataplaneToken.validFor", args.validFor),
  };
}
