import type { PhasesAnswer } from "../routes/phases";
import type { JobBody } from "./api";
import { $, el } from "./dom";

/** The cutover: each migration's traffic split and, for an operator, the controls of a shift. */

type Migration = PhasesAnswer["migrations"][number];

// Each migration's controls are built once and then only updated, so that the page's polls never
// wipe what an operator is typing or has picked.
export function renderMigrations(data: PhasesAnswer, startJob: (body: JobBody) => void): void {
  const box = $("migrations");
  const names = data.migrations.map((m) => m.name);
  if (box.dataset.names !== JSON.stringify(names)) {
    box.replaceChildren(...data.migrations.map((m) => migrationCard(m, startJob)));
    box.dataset.names = JSON.stringify(names);
    if (data.migrations.length === 0) box.append(el("p", { text: "run's config lists no migration." }));
  }
  for (const m of data.migrations) {
    const card = box.querySelector<HTMLElement>(`[data-migration="${CSS.escape(m.name)}"]`);
    if (card) updateMigration(card, m);
  }
}

function migrationCard(m: Migration, startJob: (body: JobBody) => void): HTMLElement {
  const bar = el(
    "div",
    { className: "split" },
    el("span", { className: "monolith" }),
    el("span", { className: "microservice" }),
  );
  const input = el("input", {
    type: "range",
    min: 0,
    max: 100,
    step: 5,
    "aria-label": `new weight for ${m.name}`,
    "data-weight-input": m.name,
  });
  const shown = el("output");
  input.addEventListener("input", () => {
    input.dataset.touched = "true";
    shown.textContent = `${input.value}%`;
  });
  const steps = el("input", {
    type: "text",
    placeholder: "steps, e.g. 10,25,50 (optional)",
    "aria-label": `intermediate steps for ${m.name}`,
    "data-steps-input": m.name,
    size: 22,
  });
  const bake = el(
    "select",
    { "aria-label": "bake time per step" },
    ...["30s", "1m", "5m", "10m"].map((d) => el("option", { value: d, text: `bake ${d}`, selected: d === "5m" })),
  );
  const shift = () => {
    const target = Number(input.value);
    const extra = steps.value.trim() ? steps.value.split(",").map((s) => Number(s.trim())) : [];
    startJob({ kind: "shift", migration: m.name, steps: [...extra, target], bake: bake.value });
    delete input.dataset.touched;
  };
  return el(
    "div",
    { className: "migration", "data-migration": m.name },
    el("h3", { text: m.name }),
    el("p", { className: "detail" }),
    bar,
    el(
      "div",
      { className: "operator-only controls" },
      input,
      shown,
      steps,
      bake,
      el("button", { type: "button", "data-action": "shift", text: "Shift", onclick: shift }),
    ),
  );
}

function updateMigration(card: HTMLElement, m: Migration): void {
  const weight = m.deployedWeight ?? m.configuredWeight;
  const source = m.deployedWeight === undefined ? "configured, run not deployed" : "deployed";
  card.setAttribute("data-weight", String(weight));
  card.querySelector(".detail")!.textContent = `${m.pathPrefix} · ${weight}% to the microservice (${source})`;
  const split = card.querySelector<HTMLElement>(".split")!;
  const [monolith, microservice] = [...split.children] as HTMLElement[];
  split.title = `${100 - weight}% monolith, ${weight}% microservice`;
  monolith.textContent = `monolith ${100 - weight}%`;
  microservice.textContent = `microservice ${weight}%`;
  monolith.style.flexGrow = String(100 - weight);
  microservice.style.flexGrow = String(weight);
  monolith.hidden = weight === 100;
  microservice.hidden = weight === 0;
  // The slider follows the deployed weight until the operator moves it.
  const input = card.querySelector<HTMLInputElement>("input[type=range]")!;
  if (!input.dataset.touched) {
    input.value = String(weight);
    card.querySelector("output")!.textContent = `${weight}%`;
  }
}
