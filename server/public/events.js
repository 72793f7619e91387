// How the dashboard reads a job's server-sent events and says each as a line. Loaded before app.js.
"use strict";

function parseMessage(block) {
  const message = {};
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else if (field === "id" || field === "event") message[field] = value;
  }
  return message;
}

const OP = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

function eventText(e) {
  switch (e.type) {
    case "operation-started":
      return `▶ ${e.command}  [${e.engineDescription}]`;
    case "phase-started":
      return `${e.phase}: ${e.action} (stack ${e.stack}${e.scope ? `, ${e.scope}` : ""})`;
    case "resource-step":
      if (e.state === "started" || e.op === "same") return undefined;
      return `  ${OP[e.op] || "*"} ${e.state === "failed" ? "FAILED " : ""}${e.op} ${e.resourceType} ${e.name}  [${e.progress.done}/${e.progress.total ?? "?"}]`;
    case "diagnostic":
      return `  ${e.severity}: ${e.message}`;
    case "phase-finished":
      return `${e.phase}: ${e.action} ${e.skipped ? `skipped (${e.skipped})` : `done: ${describeChanges(e.changes)}`}`;
    case "gate":
      return `gate ${e.requires} -> ${e.phase}: ${e.verdict.toUpperCase()}: ${e.reason}`;
    case "smoke-check":
      return `  smoke ${e.phase} | ${e.check}: ${e.status === "not-run" ? "NOT RUN" : e.status}${e.detail ? ` - ${e.detail}` : ""}`;
    case "weight":
      return `${e.migration}: weight ${e.from}% -> ${e.to}% (${e.reason})`;
    case "metric-gate":
      return `  gates ${e.verdict === "not-run" ? "NOT RUN" : e.verdict.toUpperCase()} ${e.migration} at ${e.weight}%: ${e.message}`;
    case "early-access":
      return `${e.migration}: early access ${e.enabled ? "on" : "off"} for ${e.header}: ${e.values.join(", ")} (${e.reason})`;
    case "waiting":
      return `${e.real ? "waiting" : "would wait"} ${Math.round(e.durationMs / 1000)}s ${e.detail}`;
    case "summary":
      return `${e.outcome === "succeeded" ? "✓" : "✗"} ${e.outcome === "succeeded" ? "" : `${e.outcome.toUpperCase()}: `}${e.message}`;
    default:
      return undefined;
  }
}

function describeChanges(changes) {
  const parts = Object.entries(changes || {})
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

/** The metric gates' latest judgement of the bake, one row per gate: measured value against threshold. */
function renderGates(e) {
  const unit = (r, n) =>
    n === null || n === undefined || !Number.isFinite(n)
      ? "no data"
      : `${Math.round(n * 100) / 100}${r.unit === "requests" ? "" : r.unit === "points" ? " points" : r.unit}`;
  const op = (r) => (r.gate === "success-rate" || r.gate === "min-requests" ? "≥" : "≤");
  $("gates").hidden = false;
  $("gates-caption").textContent =
    `Metric gates: ${e.migration} at ${e.weight}%, ${e.verdict === "not-run" ? "NOT RUN" : e.verdict.toUpperCase()} (${Math.round(e.windowMs / 1000)}s of traffic)`;
  $("gates").setAttribute("data-verdict", e.verdict);
  $("gates")
    .querySelector("tbody")
    .replaceChildren(
      ...e.results.map((r) =>
        el(
          "tr",
          { "data-gate": r.gate, className: r.ok ? "passed" : "failed" },
          el("td", { text: r.gate }),
          el("td", { text: unit(r, r.measured) }),
          el("td", { text: `${op(r)} ${unit(r, r.threshold)}` }),
          el("td", { text: r.ok ? "ok" : "FAIL" }),
        ),
      ),
    );
}
