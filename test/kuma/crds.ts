/**
 * Validators from the published Kuma CRDs (kuma-2.14.3/crds/kuma.io_<plural>.yaml), for the
 * objects `toKubernetes` renders.
 */
import * as fs from "fs";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as YAML from "yaml";
import { KumaType, kumaTypeInfo } from "../../render/kuma";
import { upstreamPath } from "../support/upstream";

type Schema = Record<string, any>;

export interface CrdContract {
  kind: string;
  scope: "Cluster" | "Namespaced";
  /** Errors against `spec.versions[0].schema.openAPIV3Schema` ([] when valid). */
  validate(object: unknown): string[];
  /**
   * The same with unknown fields rejected wherever the schema lists properties, as the API server
   * would silently prune them: a misspelt field shows up here instead of vanishing.
   */
  validateStrict(object: unknown): string[];
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ["int32", "int64", "uint32", "uint64", "float", "double", "byte"]) ajv.addFormat(format, true);

const cache = new Map<KumaType, CrdContract>();

export function crdFor(type: KumaType): CrdContract {
  let contract = cache.get(type);
  if (!contract) {
    const file = upstreamPath("kuma-2.14.3", "crds", `kuma.io_${kumaTypeInfo(type).plural}.yaml`);
    const crd = YAML.parse(fs.readFileSync(file, "utf8"));
    const schema: Schema = crd.spec.versions[0].schema.openAPIV3Schema;
    const loose = ajv.compile(schema);
    const strict = ajv.compile(rejectUnknownFields(structuredClone(schema)));
    contract = {
      kind: crd.spec.names.kind,
      scope: crd.spec.scope,
      validate: (o) => errorsOf(loose, o),
      validateStrict: (o) => errorsOf(strict, o),
    };
    cache.set(type, contract);
  }
  return contract;
}

function rejectUnknownFields(schema: Schema): Schema {
  if (schema && typeof schema === "object") {
    if (
      schema.properties &&
      schema.additionalProperties === undefined &&
      !schema["x-kubernetes-preserve-unknown-fields"]
    )
      schema.additionalProperties = false;
    for (const value of Object.values(schema)) {
      if (Array.isArray(value)) value.forEach(rejectUnknownFields);
      else if (value && typeof value === "object") rejectUnknownFields(value);
    }
  }
  return schema;
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(object)"} ${e.message} ${JSON.stringify(e.params)}`);
}
