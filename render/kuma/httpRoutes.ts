import { GATEWAY_SERVICE, MONOLITH_SERVICE, ServiceRef, meshServiceRef, proxiesOf } from "./services";
import { BackendRef, DEFAULT_MESH, HttpRouteMatch, HttpRouteRule, MeshHTTPRoute, UrlRewriteFilter } from "./types";
import {
  KumaInputError,
  assertDistinct,
  assertHeaderName,
  assertInteger,
  assertPathPrefix,
  assertResourceName,
} from "./validate";

/**
 * Header Kong Gateway 3.5+ sends upstream by default (kong.conf `headers_upstream = x-kong-request-id`):
 * nginx's `$request_id`, 32 lower-case hex digits from 16 random bytes, new for every request.
 * With `headers_upstream = off` a partial cutover sends nothing to the microservice.
 */
export const KONG_REQUEST_ID_HEADER = "x-kong-request-id";

/** Hex digits of the request id that choose a request's bucket: 16^3 = 4096 buckets, so a weight is met within 1/8192. */
const BUCKET_DIGITS = 3;
const BUCKETS = 16 ** BUCKET_DIGITS;

export interface Migration {
  /** Names the MeshHTTPRoute; a DNS-1123 subdomain, e.g. `disputes`. */
  name: string;
  mesh?: string;
  /** Path the gateway sends to the monolith that moves, e.g. `/monolith/resources/card/dispute`. */
  pathPrefix: string;
  /** What the microservice expects instead, e.g. `/disputes`. Equal to pathPrefix when nothing is rewritten. */
  rewritePrefix: string;
  /** The microservice that takes over the path. */
  to: ServiceRef;
  /** Percent of matching requests that go to the microservice, 0..100; the monolith gets the rest. */
  weight: number;
  /** Default `kong-gateway`. */
  gateway?: ServiceRef;
  /** Default `monolith`. */
  monolith?: ServiceRef;
  /** Random per-request header that splits traffic when the path is rewritten. Default KONG_REQUEST_ID_HEADER. */
  splitHeader?: string;
  /** Callers who reach the microservice whatever the weight: requests whose `header` is exactly one of `values`. */
  earlyAccess?: EarlyAccess;
}

export interface EarlyAccess {
  header: string;
  values: string[];
  /** Default true; false keeps the configuration without routing anyone by it. */
  enabled?: boolean;
}

/** What an early-access header value may be: a visible token, so that it is matched exactly as typed. */
export const EARLY_ACCESS_VALUE = /^[A-Za-z0-9._~+/=:@-]{1,128}$/;

/**
 * The cutover route for one migrated path, applied to the gateway's outbound to the monolith.
 *
 * Semantics relied on (MeshHTTPRoute, Kuma 2.13/2.14, CRD `kuma.io_meshhttproutes.yaml`):
 * - `filters` belong to a rule (`rules[].default.filters`) and apply to every backendRef of that
 *   rule; a backendRef carries only kind/name/weight/port, no filters. So one rule cannot split by
 *   weight and rewrite the path for only one of its backends: the monolith share would be
 *   rewritten too and the monolith would get `/disputes` instead of `/monolith/resources/card/dispute`.
 * - Rules are ordered like Gateway API HTTPRoute rules: for the same path match, the rule with
 *   more header matches wins. A header `RegularExpression` is an RE2 full match (Envoy safe_regex).
 *
 * Hence, for the requests whose path matches `pathPrefix`:
 * - weight 0: one rule, everything to the monolith, path unchanged;
 * - weight 100: one rule, URLRewrite `ReplacePrefixMatch: rewritePrefix`, to the microservice;
 * - 0 < weight < 100 without a rewrite: one rule with weighted backendRefs (Kuma's native split);
 * - 0 < weight < 100 with a rewrite: the split is made by rule selection instead of by backend
 *   weight. A rule that also matches `splitHeader` against `requestIdBucketPattern(weight)` (a
 *   `weight`% slice of the random request id space) rewrites and sends to the microservice; the plain
 *   prefix rule sends the rest, unchanged, to the monolith. A request without the header goes to the
 *   monolith. Kong adds the header on every request it proxies, so the slice is `weight`% of traffic.
 *
 * With `earlyAccess` enabled, one more rule matches the prefix and the header exactly equal to one
 * of its values (a match per value) and sends those requests to the microservice, rewritten, at
 * every weight. At weight 100 it is left out: the prefix rule already does the same.
 *
 * Other paths are not matched here; `monolithCatchAllRoute` keeps them on the monolith.
 */
export function meshHttpRoute(migration: Migration): MeshHTTPRoute {
  const field = (name: string) => `migration(${JSON.stringify(migration.name)}).${name}`;
  const pathPrefix = assertPathPrefix(field("pathPrefix"), migration.pathPrefix);
  const rewritePrefix = assertPathPrefix(field("rewritePrefix"), migration.rewritePrefix);
  const weight = assertInteger(field("weight"), migration.weight, 0, 100);
  const splitHeader = assertHeaderName(field("splitHeader"), migration.splitHeader ?? KONG_REQUEST_ID_HEADER);
  const monolith: BackendRef = meshServiceRef(migration.monolith ?? MONOLITH_SERVICE, field("monolith"));
  const microservice: BackendRef = meshServiceRef(migration.to, field("to"));
  if (monolith.name === microservice.name) {
    throw new KumaInputError(field("to"), migration.to, "must be a different service from the monolith");
  }

  const prefix: HttpRouteMatch = { path: { type: "PathPrefix", value: pathPrefix } };
  const rewrite: UrlRewriteFilter[] =
    rewritePrefix === pathPrefix
      ? []
      : [
          {
            type: "URLRewrite",
            urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: rewritePrefix } },
          },
        ];
  const toMonolith = (match: HttpRouteMatch): HttpRouteRule => ({
    matches: [match],
    default: { backendRefs: [{ ...monolith, weight: 1 }] },
  });
  const toMicroservice = (match: HttpRouteMatch): HttpRouteRule => ({
    matches: [match],
    default: { ...(rewrite.length > 0 ? { filters: rewrite } : {}), backendRefs: [{ ...microservice, weight: 1 }] },
  });

  const early = earlyAccessMatches(field("earlyAccess"), migration.earlyAccess, prefix, splitHeader);
  const earlyRules = early.length > 0 && weight < 100 ? [{ ...toMicroservice(prefix), matches: early }] : [];

  let rules: HttpRouteRule[];
  if (weight === 0) {
    rules = [toMonolith(prefix)];
  } else if (weight === 100) {
    rules = [toMicroservice(prefix)];
  } else if (rewrite.length === 0) {
    rules = [
      {
        matches: [prefix],
        default: {
          backendRefs: [
            { ...monolith, weight: 100 - weight },
            { ...microservice, weight },
          ],
        },
      },
    ];
  } else {
    const inSlice: HttpRouteMatch = {
      ...prefix,
      headers: [{ name: splitHeader, type: "RegularExpression", value: requestIdBucketPattern(weight) }],
    };
    rules = [toMicroservice(inSlice), toMonolith(prefix)];
  }

  return {
    type: "MeshHTTPRoute",
    mesh: assertResourceName(field("mesh"), migration.mesh ?? DEFAULT_MESH),
    name: assertResourceName(field("name"), migration.name),
    spec: {
      targetRef: proxiesOf(migration.gateway ?? GATEWAY_SERVICE, field("gateway")),
      to: [{ targetRef: monolith, rules: [...earlyRules, ...rules] }],
    },
  };
}

function earlyAccessMatches(
  field: string,
  earlyAccess: EarlyAccess | undefined,
  prefix: HttpRouteMatch,
  splitHeader: string,
): HttpRouteMatch[] {
  if (!earlyAccess || earlyAccess.enabled === false) return [];
  const header = assertHeaderName(`${field}.header`, earlyAccess.header);
  if (header === splitHeader)
    throw new KumaInputError(
      `${field}.header`,
      header,
      `must differ from the split header ${splitHeader}, whose random values choose the weighted share`,
    );
  const values = earlyAccess.values;
  if (!Array.isArray(values) || values.length === 0)
    throw new KumaInputError(`${field}.values`, values, "must list at least one header value, e.g. [qa]");
  values.forEach((value, i) => {
    if (typeof value !== "string" || !EARLY_ACCESS_VALUE.test(value)) {
      throw new KumaInputError(
        `${field}.values[${i}]`,
        value,
        "must be 1 to 128 letters, digits or ._~+/=:@- (matched exactly)",
      );
    }
  });
  assertDistinct(`${field}.values`, values);
  return values.map((value) => ({ ...prefix, headers: [{ name: header, type: "Exact" as const, value }] }));
}

export interface CatchAllRouteArgs {
  name?: string;
  mesh?: string;
  gateway?: ServiceRef;
  monolith?: ServiceRef;
}

/**
 * Every path of the gateway's monolith outbound to the monolith, unchanged. Rules of routes that
 * target the same proxy and destination merge, and a `/` prefix is the least specific, so the
 * migrations' rules win for their paths and everything else stays on the monolith. Kept in its own
 * route so MeshTimeout/MeshRetry entries that target a migration route cover only its paths.
 */
export function monolithCatchAllRoute(args: CatchAllRouteArgs = {}): MeshHTTPRoute {
  const monolith = meshServiceRef(args.monolith ?? MONOLITH_SERVICE, "monolithCatchAllRoute.monolith");
  return {
    type: "MeshHTTPRoute",
    mesh: assertResourceName("monolithCatchAllRoute.mesh", args.mesh ?? DEFAULT_MESH),
    name: assertResourceName("monolithCatchAllRoute.name", args.name ?? "gateway-to-monolith"),
    spec: {
      targetRef: proxiesOf(args.gateway ?? GATEWAY_SERVICE, "monolithCatchAllRoute.gateway"),
      to: [
        {
          targetRef: monolith,
          rules: [
            {
              matches: [{ path: { type: "PathPrefix", value: "/" } }],
              default: { backendRefs: [{ ...monolith, weight: 1 }] },
            },
          ],
        },
      ],
    },
  };
}

/**
 * An RE2 pattern matching the header values (lower-case hex ids) whose first three hex digits,
 * read as a number, are below round(weight% of 4096): `weight`% of uniformly random ids, exact for
 * multiples of 25 and within 0.013 points otherwise.
 */
export function requestIdBucketPattern(weight: number): string {
  assertInteger("weight", weight, 1, 99);
  const limit = Math.round((weight / 100) * BUCKETS);
  const digits = limit.toString(16).padStart(BUCKET_DIGITS, "0");
  const alternatives: string[] = [];
  // Values below `digits`: same leading digits up to i, a smaller digit at i, anything after.
  for (let i = 0; i < BUCKET_DIGITS; i++) {
    const digit = parseInt(digits[i], 16);
    if (digit === 0) continue;
    const rest = BUCKET_DIGITS - i - 1;
    alternatives.push(digits.slice(0, i) + hexDigitsBelow(digit) + (rest > 0 ? `[0-9a-f]{${rest}}` : ""));
  }
  return `^(?:${alternatives.join("|")}).*$`;
}

/** A character class of the hex digits below `digit` (1..15). */
function hexDigitsBelow(digit: number): string {
  const highest = digit - 1;
  if (highest === 0) return "0";
  if (highest <= 9) return `[0-${highest}]`;
  return highest === 10 ? "[0-9a]" : `[0-9a-${highest.toString(16)}]`;
}
