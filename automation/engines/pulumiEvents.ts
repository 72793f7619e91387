import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import type { Phase } from "../../config/schema";
import type { ChangeCounts, Diagnostic, Emit, PhaseAction, ResourceStep } from "../journey/events";
import { isStackRoot, nameOfUrn } from "./engine";

/** Pulumi's colour directives, e.g. `<{%reset%}>`, which `--color never` should already leave out. */
const COLOR_DIRECTIVE = /<\{%[^%]*%\}>/g;

const SEVERITY: Record<string, Diagnostic["severity"]> = {
  info: "info",
  "info#err": "info",
  warning: "warning",
  error: "error",
};

/**
 * Turns the Pulumi engine's events (automation/events.ts in the SDK: resourcePreEvent,
 * resOutputsEvent, resOpFailedEvent, diagnosticEvent, policyEvent, summaryEvent) into journey
 * events, counting finished steps for progress.
 */
export class EngineEventTranslator {
  /** The engine's own count of changes, from its summary event. */
  changes?: ChangeCounts;
  private done = 0;

  constructor(
    private readonly phase: Phase,
    private readonly action: PhaseAction,
    private readonly emit: Emit,
  ) {}

  readonly onEvent = (event: EngineEvent): void => {
    if (event.resourcePreEvent) this.step(event.resourcePreEvent.metadata, "started");
    else if (event.resOutputsEvent) this.step(event.resOutputsEvent.metadata, "done");
    else if (event.resOpFailedEvent) this.step(event.resOpFailedEvent.metadata, "failed");
    else if (event.summaryEvent) this.changes = event.summaryEvent.resourceChanges;
    else if (event.diagnosticEvent) {
      const { severity, message, urn, ephemeral } = event.diagnosticEvent;
      // Debug diagnostics (the SDK's types leave them out, the engine sends them) are the SDK's own RPC
      // traces, hidden by the CLI without --debug; they print resource state, secrets in plaintext included.
      if ((severity as string) === "debug") return;
      this.diagnostic(SEVERITY[severity] ?? "info", message, urn, ephemeral);
    } else if (event.policyEvent) {
      const { enforcementLevel, policyPackName, policyName, message, resourceUrn } = event.policyEvent;
      this.diagnostic(
        enforcementLevel === "mandatory" ? "error" : "warning",
        `policy ${policyPackName}/${policyName}: ${message}`,
        resourceUrn,
      );
    }
  };

  private step(metadata: StepEventMetadata, state: ResourceStep["state"]): void {
    if (isStackRoot(metadata.type)) return;
    if (state !== "started") this.done++;
    this.emit({
      type: "resource-step",
      phase: this.phase,
      action: this.action,
      op: metadata.op,
      state,
      urn: metadata.urn,
      resourceType: metadata.type,
      name: nameOfUrn(metadata.urn),
      progress: { done: this.done },
    });
  }

  private diagnostic(severity: Diagnostic["severity"], raw: string, urn?: string, ephemeral?: boolean): void {
    const message = raw.replace(COLOR_DIRECTIVE, "").trim();
    if (ephemeral || message === "") return;
    this.emit({ type: "diagnostic", phase: this.phase, severity, message, ...(urn ? { urn } : {}) });
  }
}
