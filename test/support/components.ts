import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, RecordOptions, recordProgram } from "../../offline/evaluator";
import { unknownValue } from "../../offline/mocks";
import { InstalledFile } from "../../components/hostSoftware";

/**
 * What the shared mocks answer for a value known only after deployment, e.g.
 * `unknownOutput("kmj-onprem-gateway-sg", "id")`: tests name the resource and the property, and the
 * placeholder's spelling stays in offline/mocks.ts.
 */
export function unknownOutput(resourceName: string, property: string): string {
  return unknownValue(resourceName, property);
}

/** A component class: its `TYPE` and its constructor. */
export interface ComponentClass<C extends pulumi.ComponentResource> {
  readonly TYPE: string;
  new (...args: any[]): C;
}

export interface RecordedComponent {
  /** The component's own registration: its type, name and the inputs a preview shows for it. */
  component: RecordedResource;
  /** What it registered directly under itself, in registration order. */
  children: RecordedResource[];
  /** Everything under it, at any depth. */
  descendants: RecordedResource[];
  /** Everything the program registered: the component, what it needs from outside, and the stack. */
  all: RecordedResource[];
  /** The public outputs the test asked for, resolved; secrets as `{ [SECRET]: value }`. */
  outputs: Record<string, unknown>;
  /** The resource of that name in the program: under the component, or one it was given. */
  resource(name: string): RecordedResource;
  /** What a resource registered directly under itself. */
  childrenOf(parent: RecordedResource): RecordedResource[];
  /**
   * Whether `resource` waits for `other` on create (and outlives it on delete). Waiting for a
   * component is waiting for every custom resource under it, which is how the SDK records it.
   */
  waitsFor(resource: RecordedResource, other: RecordedResource): boolean;
}

/**
 * Builds one component alone under the project's mocks (offline/evaluator recordProgram) and returns
 * its registration, what it registered under itself and the outputs `publish` picks. The component is
 * found by its `TYPE` at the top of the program: `build` may declare other resources it needs (a PKI,
 * a provider), but only one component of that type.
 */
export async function recordComponent<C extends pulumi.ComponentResource>(
  Component: ComponentClass<C>,
  build: () => C,
  publish: (component: C) => Record<string, unknown> = () => ({}),
  options?: RecordOptions,
): Promise<RecordedComponent> {
  const { resources, outputs } = await recordProgram(() => publish(build()), options);
  const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const found = resources.filter((r) => r.type === Component.TYPE && r.parent === stack?.urn);
  if (found.length !== 1)
    throw new Error(`expected one ${Component.TYPE} at the top of the program, found ${found.length}`);
  const component = found[0];
  const childrenOf = (parent: RecordedResource) => resources.filter((r) => r.parent === parent.urn);
  const below = (parent: RecordedResource): RecordedResource[] =>
    childrenOf(parent).flatMap((child) => [child, ...below(child)]);
  const descendants = below(component);
  return {
    component,
    children: childrenOf(component),
    descendants,
    all: resources,
    outputs,
    childrenOf,
    waitsFor(resource, other) {
      const awaited = other.custom ? [other] : below(other).filter((r) => r.custom);
      return awaited.length > 0 && awaited.every((r) => resource.dependencies.includes(r.urn));
    },
    resource(name) {
      const match = resources.find((r) => r.name === name);
      if (!match) throw new Error(`nothing named ${name}; the program has ${names(resources).join(", ")}`);
      return match;
    },
  };
}

export { isSecret, unwrapSecret } from "./journey";

/**
 * `[type, name]` of each resource, sorted by name (registration order follows when inputs resolve):
 * what a component's children are, for one deepEqual.
 */
export function typesAndNames(resources: RecordedResource[]): Array<[string, string]> {
  return resources.map((r): [string, string] => [r.type, r.name]).sort(([, a], [, b]) => a.localeCompare(b));
}

/** What a component puts on hosts (HostSoftware's files), by path: mode, owner, content, … */
export function installedFiles(recorded: RecordedComponent): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    recorded.descendants.filter((r) => r.type === InstalledFile.TYPE).map((f) => [f.inputs.path as string, f.inputs]),
  );
}

/** Those inputs of a resource, for a deepEqual that ignores the rest. */
export function pick(resource: RecordedResource, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, resource.inputs[k]]));
}

const names = (resources: RecordedResource[]) => resources.map((r) => r.name);
