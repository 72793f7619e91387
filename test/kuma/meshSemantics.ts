/**
 * A small model of how Kuma 2.13/2.14 evaluates the policies this program renders (legacy service
 * mode), so tests can ask "where does this request go?" and "may A call B?" of the rendered set.
 * Follows kumahq/kuma v2.14.3: meshhttproute/api/v1alpha1/compare.go (rule order),
 * plugin/v1alpha1/listeners.go (implicit catch-all to the destination), and MeshTrafficPermission
 * merging (the most specific `from` wins; no permission means deny under mTLS).
 */
import { HttpRouteMatch, HttpRouteRule, MeshHTTPRoute, MeshTrafficPermission, TargetRef } from "../../render/kuma";

export interface HttpRequest {
  path: string;
  headers?: Record<string, string>;
}

export interface Delivery {
  service: string;
  /** Path the service receives. */
  path: string;
  /** Share of matching requests, 0..1. */
  share: number;
}

function selectsProxyOf(ref: TargetRef, service: string): boolean {
  if (ref.kind === "Mesh") return true;
  return (
    ref.kind === "MeshSubset" &&
    Object.entries(ref.tags).every(([tag, value]) => tag === "kuma.io/service" && value === service)
  );
}

/** Where the proxy of `source` sends `request` made on its outbound to `destination`. */
export function deliver(
  routes: readonly MeshHTTPRoute[],
  source: string,
  destination: string,
  request: HttpRequest,
): Delivery[] {
  return outboundRoutes(routes, source, destination)(request);
}

/** The routing of one outbound of one proxy, built once for many requests. */
export function outboundRoutes(
  routes: readonly MeshHTTPRoute[],
  source: string,
  destination: string,
): (request: HttpRequest) => Delivery[] {
  const merged = new Map<string, HttpRouteRule>();
  for (const route of routes) {
    if (!selectsProxyOf(route.spec.targetRef, source)) continue;
    for (const to of route.spec.to) {
      if (to.targetRef.kind !== "MeshService" || to.targetRef.name !== destination) continue;
      for (const rule of to.rules) merged.set(JSON.stringify(rule.matches), rule);
    }
  }
  const candidates = [...merged.values()].flatMap((rule) => rule.matches.map((match) => ({ match, rule })));
  candidates.sort((a, b) => compareMatch(a.match, b.match));

  return (request) => {
    const chosen = candidates.find(({ match }) => matches(match, request));
    if (!chosen) return [{ service: destination, path: request.path, share: 1 }];
    const refs =
      chosen.rule.default.backendRefs.length > 0
        ? chosen.rule.default.backendRefs
        : [{ kind: "MeshService" as const, name: destination }];
    const total = refs.reduce((sum, ref) => sum + (ref.weight ?? 1), 0);
    const rewrite = chosen.rule.default.filters?.find((f) => f.type === "URLRewrite");
    const path = rewrite
      ? replacePrefix(request.path, chosen.match.path?.value ?? "/", rewrite.urlRewrite.path.replacePrefixMatch)
      : request.path;
    return refs
      .filter((ref) => (ref.weight ?? 1) > 0)
      .map((ref) => ({ service: ref.name, path, share: (ref.weight ?? 1) / total }));
  };
}

/** Compare like Gateway API precedence (compare.go): negative when `a` wins. */
function compareMatch(a: HttpRouteMatch, b: HttpRouteMatch): number {
  const rank = { Exact: 0, PathPrefix: 1, RegularExpression: 2 };
  if (a.path && !b.path) return -1;
  if (!a.path && b.path) return 1;
  if (a.path && b.path) {
    if (a.path.type !== b.path.type) return rank[a.path.type] - rank[b.path.type];
    if (a.path.type !== "Exact" && a.path.value.length !== b.path.value.length)
      return b.path.value.length - a.path.value.length;
  }
  return (b.headers?.length ?? 0) - (a.headers?.length ?? 0);
}

function matches(match: HttpRouteMatch, request: HttpRequest): boolean {
  const path = match.path;
  if (path) {
    const p = request.path;
    const ok =
      path.type === "Exact"
        ? p === path.value
        : path.type === "PathPrefix"
          ? path.value === "/" || p === path.value || p.startsWith(`${path.value}/`)
          : fullMatch(path.value).test(p);
    if (!ok) return false;
  }
  return (match.headers ?? []).every((header) => {
    const value = request.headers?.[header.name];
    switch (header.type) {
      case "Present":
        return value !== undefined;
      case "Absent":
        return value === undefined;
      case "Exact":
        return value === header.value;
      case "Prefix":
        return value !== undefined && value.startsWith(header.value ?? "");
      case "RegularExpression":
        // Envoy safe_regex: RE2, whole-value match.
        return value !== undefined && fullMatch(header.value ?? "").test(value);
    }
  });
}

const compiled = new Map<string, RegExp>();

function fullMatch(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) compiled.set(pattern, (regex = new RegExp(`^(?:${pattern})$`)));
  return regex;
}

/** Gateway API ReplacePrefixMatch: the matched prefix is replaced, segment-wise. */
function replacePrefix(path: string, prefix: string, replacement: string): string {
  const rest = prefix === "/" ? path : path.slice(prefix.length);
  const joined = replacement.replace(/\/$/, "") + (rest.startsWith("/") || rest === "" ? rest : `/${rest}`);
  return joined === "" ? "/" : joined;
}

/**
 * Deliveries of `path` over every request id a gateway could send: all 4096 values of the three
 * hex digits that pick a bucket, each followed by a random-looking tail, weighted equally.
 */
export function deliverOverRequestIds(
  routes: readonly MeshHTTPRoute[],
  source: string,
  destination: string,
  path: string,
  header: string,
): Map<string, { share: number; paths: Set<string> }> {
  const route = outboundRoutes(routes, source, destination);
  const totals = new Map<string, { share: number; paths: Set<string> }>();
  for (let bucket = 0; bucket < 4096; bucket++) {
    const id = bucket.toString(16).padStart(3, "0") + "5e1f09ab3c7d42e68f10a2b4c6d8e0f";
    for (const d of route({ path, headers: { [header]: id } })) {
      const entry = totals.get(d.service) ?? { share: 0, paths: new Set<string>() };
      entry.share += d.share / 4096;
      entry.paths.add(d.path);
      totals.set(d.service, entry);
    }
  }
  return totals;
}

/** Whether `source` may call `destination` under these permissions (mTLS on: nothing applies = deny). */
export function isAllowed(permissions: readonly MeshTrafficPermission[], source: string, destination: string): boolean {
  const specificity = (ref: TargetRef) => (ref.kind === "Mesh" ? 0 : 1);
  let best: { from: number; policy: number; allow: boolean } | undefined;
  for (const mtp of permissions) {
    if (!selectsProxyOf(mtp.spec.targetRef, destination)) continue;
    for (const from of mtp.spec.from) {
      if (!selectsProxyOf(from.targetRef, source)) continue;
      const candidate = {
        from: specificity(from.targetRef),
        policy: specificity(mtp.spec.targetRef),
        allow: from.default.action === "Allow",
      };
      if (!best || candidate.from > best.from || (candidate.from === best.from && candidate.policy >= best.policy))
        best = candidate;
    }
  }
  return best?.allow ?? false;
}
