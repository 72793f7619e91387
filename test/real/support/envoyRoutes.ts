import type { HttpRouteMatch, HttpRouteRule, MeshHTTPRoute } from "../../../render/kuma";

/**
 * The Envoy routes of one outbound as Kuma 2.14 generates them from MeshHTTPRoutes
 * (kumahq/kuma pkg/plugins/policies/meshhttproute/xds: configurer.go, match.go, filters/urlrewrite.go),
 * for the parts this program renders: a PathPrefix becomes an exact-path route and a `<prefix>/`
 * route; header matches are exact or safe_regex string matches; URLRewrite ReplacePrefixMatch is a
 * regex_rewrite of the whole path on the exact-path route and a prefix_rewrite on the other;
 * weighted backends are weighted_clusters. Rules are ordered as compare.go orders them.
 */
export function envoyRoutes(routes: readonly MeshHTTPRoute[], destination: string): unknown[] {
  const merged = new Map<string, HttpRouteRule>();
  for (const route of routes)
    for (const to of route.spec.to)
      if (to.targetRef.kind === "MeshService" && to.targetRef.name === destination)
        for (const rule of to.rules) merged.set(JSON.stringify(rule.matches), rule);
  const candidates = [...merged.values()].flatMap((rule) => rule.matches.map((match) => ({ match, rule })));
  candidates.sort((a, b) => compareMatch(a.match, b.match));
  return candidates.flatMap(({ match, rule }) =>
    pathMatches(match).map((path) => ({
      match: { ...path, headers: headers(match) },
      route: action(rule, "path" in path),
    })),
  );
}

function pathMatches(match: HttpRouteMatch): Array<{ path: string } | { prefix: string }> {
  const p = match.path;
  if (!p || (p.type === "PathPrefix" && p.value === "/")) return [{ prefix: "/" }];
  if (p.type === "Exact") return [{ path: p.value }];
  if (p.type !== "PathPrefix") throw new Error(`path match ${p.type} is not rendered by this program`);
  const trimmed = p.value.replace(/\/$/, "");
  return [{ path: trimmed }, { prefix: `${trimmed}/` }];
}

function headers(match: HttpRouteMatch): unknown[] {
  return (match.headers ?? []).map((h) => {
    if (h.type === "Exact") return { name: h.name, string_match: { exact: h.value } };
    if (h.type === "RegularExpression") return { name: h.name, string_match: { safe_regex: { regex: h.value } } };
    throw new Error(`header match ${h.type} is not rendered by this program`);
  });
}

function action(rule: HttpRouteRule, exactPath: boolean): unknown {
  const refs = rule.default.backendRefs;
  const target =
    refs.length === 1
      ? { cluster: refs[0].name }
      : {
          weighted_clusters: {
            clusters: refs.filter((r) => (r.weight ?? 1) > 0).map((r) => ({ name: r.name, weight: r.weight ?? 1 })),
          },
        };
  const rewrite = rule.default.filters?.find((f) => f.type === "URLRewrite")?.urlRewrite.path.replacePrefixMatch;
  if (rewrite === undefined) return target;
  return exactPath
    ? { ...target, regex_rewrite: { pattern: { regex: ".*" }, substitution: rewrite } }
    : { ...target, prefix_rewrite: rewrite };
}

function compareMatch(a: HttpRouteMatch, b: HttpRouteMatch): number {
  const rank = { Exact: 0, PathPrefix: 1, RegularExpression: 2 };
  if (a.path && b.path) {
    if (a.path.type !== b.path.type) return rank[a.path.type] - rank[b.path.type];
    if (a.path.type !== "Exact" && a.path.value.length !== b.path.value.length)
      return b.path.value.length - a.path.value.length;
  }
  return (b.headers?.length ?? 0) - (a.headers?.length ?? 0);
}
