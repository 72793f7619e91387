/**
 * Resource type names as people read them. Pure (no node or Pulumi import): the dashboard's page
 * bundles it too, through automation/journey/wording.ts.
 */

/** The type prefix of the program's dynamic-provider resources (Konnect, Kuma). */
export const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

/** `aws:ec2:Instance` for `aws:ec2/instance:Instance`, `konnect:Route` for a dynamic resource. */
export function shortType(type: string): string {
  if (type.startsWith(DYNAMIC_PREFIX)) return type.slice(DYNAMIC_PREFIX.length);
  const [pkg, mod, name] = type.split(":");
  return name ? `${pkg}:${mod.split("/")[0]}:${name}` : type;
}
