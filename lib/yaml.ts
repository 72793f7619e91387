import * as jsYaml from "js-yaml";

/**
 * YAML for everything the program writes and reads (stack files, manifests, user-data): js-yaml,
 * which the Pulumi SDK loads anyway, so the CLI pays for one YAML library, not two.
 */
export function toYaml(value: unknown): string {
  return jsYaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** The YAML document as plain data, of a shape only the caller knows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseYaml(text: string): any {
  return jsYaml.load(text);
}

/** Every document of a multi-document YAML text. */
export function parseYamlDocuments(text: string): unknown[] {
  return jsYaml.loadAll(text);
}
