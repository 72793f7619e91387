import * as pulumi from "@pulumi/pulumi";

// A dynamic resource declared by a component, as CloudZone's cp token and MeshSidecar's mesh rule:
// with config `moved` false at the stack's top (where they were), with `moved` true under the
// component with the alias form the components use, or with `moved` true and `alias` false, under
// the component without one.
const config = new pulumi.Config();
const moved = config.getBoolean("moved") ?? false;
const alias = config.getBoolean("alias") ?? true;

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `token-${Date.now()}`, outs: inputs };
  },
};

class Token extends pulumi.dynamic.Resource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { scope: "cp" }, opts, "aliases", "Token");
  }
}

class Owner extends pulumi.ComponentResource {
  constructor(name: string) {
    super("journey:test:Owner", name, {}, {});
    new Token(
      `${name}-cp-token`,
      moved ? { parent: this, aliases: alias ? [{ parent: pulumi.rootStackResource }] : [] } : undefined,
    );
    this.registerOutputs({});
  }
}

new Owner("zone");
