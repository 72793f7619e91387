import { strict as assert } from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEventTranslator } from "../../automation/engines/pulumiEvents";

const diagnostic = (severity: string, message: string) =>
  ({ sequence: 1, timestamp: 0, diagnosticEvent: { severity, message, color: "never" } }) as unknown as EngineEvent;

describe("engine events into journey events", () => {
  it("drops the SDK's debug diagnostics, which print resource state with secrets in plaintext (found on the real engine)", () => {
    const events: unknown[] = [];
    const translator = new EngineEventTranslator("run", "up", (e) => events.push(e));
    translator.onEvent(
      diagnostic("debug", "RegisterResource RPC finished: resource:x; resp: urn,token,kuma-admin-secret"),
    );
    translator.onEvent(diagnostic("warning", "the CP warns"));
    assert.deepEqual(events, [{ type: "diagnostic", phase: "run", severity: "warning", message: "the CP warns" }]);
  });
});
