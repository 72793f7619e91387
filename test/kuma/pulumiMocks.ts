import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** A resource registration as the engine would receive it. */
export interface Registration {
  type: string;
  name: string;
  /** Inputs as the program resolved them (`__provider` holds the serialised provider). */
  inputs: Record<string, any>;
  /** The RegisterResource request's object, secrets still wrapped in Pulumi's secret marker. */
  wire: Record<string, any>;
  secretOutputs: string[];
}

/** Pulumi's marker of a secret value on the wire (sdk/nodejs/runtime/rpc.ts). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/**
 * Pulumi mocks that record every registration. The mock monitor drops `additionalSecretOutputs`,
 * so its registerResource is wrapped to keep the request; `restore` unwraps it.
 */
export async function recordRegistrations(): Promise<{ registrations: Registration[]; restore: () => void }> {
  const registrations: Registration[] = [];
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req, callback) {
    registrations.push({ type: req.getType(), name: req.getName(), inputs: {}, wire: req.getObject().toJavaScript(), secretOutputs: req.getAdditionalsecretoutputsList() });
    return original.call(this, req, callback);
  };
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      const registration = registrations.find((r) => r.type === args.type && r.name === args.name);
      if (registration) registration.inputs = args.inputs;
      return { id: `${args.name}-id`, state: { ...args.inputs, token: args.type.endsWith("Token") ? "header.payload.signature" : undefined } };
    },
    call: () => ({}),
  });
  return { registrations, restore: () => void (MockMonitor.prototype.registerResource = original) };
}

export function registeredAll(resources: pulumi.Resource[]): Promise<unknown> {
  return Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
}
