import { strict as assert } from "assert";
import { KUMA_TYPES, KumaType, kumaTypeInfo, toKubernetes } from "../../render/kuma";
import { resourcePath } from "../../providers/kuma/client";
import { kumaContract, validateKumaItem } from "../support/kumaServer";
import { describeWithUpstream } from "../support/upstream";
import { crdFor } from "./crds";
import { everyRenderedResource } from "./fixtures";

describeWithUpstream("Kuma renderers against the published 2.14.3 contracts", function () {
  this.timeout(10_000);

  describe("REST API <Type>Item schemas (openapi.yaml)", () => {
    for (const { title, resource } of everyRenderedResource()) {
      it(`${title} is a valid ${resource.type}Item`, () => {
        assert.deepEqual(validateKumaItem(resource.type, resource), []);
      });
    }

    for (const { title, resource } of everyRenderedResource()) {
      it(`${title} uses only fields the ${resource.type}Item schema names`, () => {
        const unknown = unknownFields(`#/components/schemas/${resource.type}Item`, resource);
        // The one deliberate exception: the CP reads the builtin CA's proto JSON name `RSAbits`;
        // it would drop the document's `rsaBits` as unknown (see mesh.ts).
        assert.deepEqual(unknown, resource.type === "Mesh" ? ["/mtls/backends/0/conf/caCert/RSAbits"] : []);
      });
    }

    it("checks what it claims: a misspelt field is reported", () => {
      const ingress = everyRenderedResource().find((r) => r.resource.type === "ZoneIngress")!.resource as any;
      const misspelt = { ...ingress, networking: { ...ingress.networking, advertisedAdress: "x" } };
      assert.deepEqual(unknownFields("#/components/schemas/ZoneIngressItem", misspelt), [
        "/networking/advertisedAdress",
      ]);
    });

    it("checks what it claims: a wrong field type is reported", () => {
      const broken = { ...everyRenderedResource()[0].resource, routing: { zoneEgress: "yes" } };
      assert.notDeepEqual(validateKumaItem("Mesh", broken), []);
    });
  });

  describe("CRD openAPIV3Schema of the same kind, on toKubernetes()", () => {
    for (const { title, resource } of everyRenderedResource()) {
      it(`${title} as a ${resource.type} custom resource`, () => {
        const object = toKubernetes(resource);
        const crd = crdFor(resource.type);
        assert.equal(object.kind, crd.kind);
        assert.deepEqual(crd.validate(object), []);
        assert.deepEqual(crd.validateStrict(object), [], "no field the API server would prune");
      });
    }

    it("checks what it claims: a misspelt policy field is reported", () => {
      const route = everyRenderedResource().find((r) => r.resource.type === "MeshHTTPRoute")!.resource;
      const object = toKubernetes(route);
      (object.spec as any).to[0].rulez = (object.spec as any).to[0].rules;
      assert.notDeepEqual(crdFor("MeshHTTPRoute").validateStrict(object), []);
    });
  });

  describe("the type table", () => {
    for (const type of Object.keys(KUMA_TYPES) as KumaType[]) {
      it(`${type}: its REST path is the contract's put${type}, its CRD is kind ${type} (${kumaTypeInfo(type).kubernetesScope})`, () => {
        const key = kumaTypeInfo(type).scope === "Mesh" ? { type, name: "x", mesh: "default" } : { type, name: "x" };
        assert.equal(kumaContract().match("PUT", resourcePath(key))?.operationId, `put${type}`);
        assert.equal(kumaContract().match("DELETE", resourcePath(key))?.operationId, `delete${type}`);
        assert.equal(crdFor(type).kind, type);
        assert.equal(crdFor(type).scope, kumaTypeInfo(type).kubernetesScope);
      });
    }
  });
});

type Schema = Record<string, any>;

/**
 * JSON pointers of the fields of `value` that its schema does not name. The published schemas
 * allow unknown fields, so a misspelt optional field (advertisedAdress) would otherwise pass.
 */
function unknownFields(ref: string, value: unknown, at = ""): string[] {
  const schema = resolve(ref);
  if (Array.isArray(value))
    return schema.items ? value.flatMap((item, i) => unknownFieldsIn(schema.items, item, `${at}/${i}`)) : [];
  if (!value || typeof value !== "object") return [];
  const branches: Schema[] = [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].map((b: Schema) =>
    b.$ref ? resolve(b.$ref) : b,
  );
  if (branches.length > 0 && !schema.properties) {
    const results = branches.map((branch) => unknownFieldsIn(branch, value, at));
    // The branch the value fits best: fewest unknown fields, and of those the deepest (most of it recognised).
    const depth = (r: string[]) => r.reduce((sum, pointer) => sum + pointer.split("/").length, 0);
    return results.reduce((best, r) =>
      r.length < best.length || (r.length === best.length && depth(r) > depth(best)) ? r : best,
    );
  }
  return Object.entries(value).flatMap(([key, child]) => {
    const property = schema.properties?.[key];
    if (property) return unknownFieldsIn(property, child, `${at}/${key}`);
    return schema.additionalProperties ? [] : [`${at}/${key}`];
  });
}

function unknownFieldsIn(schema: Schema, value: unknown, at: string): string[] {
  if (schema.$ref) return unknownFields(schema.$ref, value, at);
  const id = `inline:${inline.push(schema) - 1}`;
  return unknownFields(id, value, at);
}

const inline: Schema[] = [];

function resolve(ref: string): Schema {
  if (ref.startsWith("inline:")) return inline[Number(ref.slice(7))];
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: Schema, key) => node[key], kumaContract().doc);
}
