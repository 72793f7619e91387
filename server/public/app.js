// The journey dashboard: plain DOM, no framework, no build. Data from the portal API only; every
// value is put on the page as text (textContent / SVG text nodes), never as markup.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PHASES = ["crawl", "walk", "run"];
const REFRESH_MS = 5000;
const MAX_EVENT_LINES = 300;

const state = {
  token: sessionStorage.getItem("journey-token") || "",
  whoami: undefined,
  phases: undefined,
  followed: undefined,
  follow: undefined,
  checks: new Map(),
  timer: undefined,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function say(text, kind = "info") {
  const message = $("message");
  message.textContent = text;
  message.className = kind;
}

// ---- API ------------------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const fields = Array.isArray(data.fields) ? `: ${data.fields.map((f) => `${f.field} ${f.message}`).join("; ")}` : "";
    const error = new Error(`${response.status} ${data.message || response.statusText}${fields}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

const isOperator = () => state.whoami && state.whoami.role === "operator";

async function startJob(body) {
  try {
    const job = await api("POST", "/api/jobs", body);
    say(`${job.command}: ${job.state === "queued" ? "queued" : "started"} (job ${job.id})`);
    follow(job.id);
    refreshJobs();
  } catch (err) {
    say(`could not start the job: ${err.message}`, "error");
  }
}

// ---- sign-in --------------------------------------------------------------------------------

async function signIn() {
  if (!state.token) {
    say("Paste an API token to see the journey (read-only or operator).");
    return;
  }
  try {
    state.whoami = await api("GET", "/api/whoami");
  } catch (err) {
    state.whoami = undefined;
    say(err.status === 401 ? "That token is not valid." : `sign-in failed: ${err.message}`, "error");
    return;
  }
  sessionStorage.setItem("journey-token", state.token);
  $("whoami").textContent = `${state.whoami.name} (${state.whoami.role})`;
  $("engine").textContent = state.whoami.engine === "offline" ? "offline engine: nothing is deployed" : "Pulumi engine";
  $("engine").title = state.whoami.engineDescription;
  document.body.classList.toggle("operator", isOperator());
  say("");
  await refresh();
  const { jobs } = await api("GET", "/api/jobs");
  const running = jobs.find((j) => j.state === "running") || jobs[0];
  if (running) follow(running.id);
  clearInterval(state.timer);
  state.timer = setInterval(() => refresh().catch(() => undefined), REFRESH_MS);
}

async function refresh() {
  const [phases, topology] = await Promise.all([api("GET", "/api/phases"), api("GET", "/api/topology")]);
  state.phases = phases;
  renderTimeline(phases);
  renderMigrations(phases);
  renderResources(phases);
  renderTopology(topology);
  await refreshJobs();
}

// ---- the timeline ---------------------------------------------------------------------------

const STATE_TEXT = { deployed: "deployed", partial: "partly deployed", "not-deployed": "not deployed" };

function renderTimeline(data) {
  const list = $("timeline");
  list.replaceChildren();
  for (const phase of data.phases) {
    const busy = phase.jobs.running ? "a job is running" : phase.jobs.queued.length > 0 ? `${phase.jobs.queued.length} job(s) queued` : "";
    const item = el(
      "li",
      { className: `phase ${phase.state}`, "data-phase": phase.phase, "data-state": phase.state },
      el("h3", { text: phase.phase }),
      el("p", { className: "state", text: STATE_TEXT[phase.state] || phase.state }),
      el("p", { className: "detail", text: `stack ${phase.stack} · ${phase.resourceCount} deployed / ${phase.planned ? phase.planned.resources : "?"} planned resources` }),
      phase.lastUpdate ? el("p", { className: "detail", text: `last update ${phase.lastUpdate.result}${phase.lastUpdate.message ? `: ${phase.lastUpdate.message}` : ""}` }) : undefined,
      busy ? el("p", { className: "busy", text: busy }) : undefined,
      el(
        "div",
        { className: "operator-only actions" },
        el("button", { type: "button", "data-action": "preview", text: "Preview", onclick: () => startJob({ kind: "preview", phase: phase.phase }) }),
        el("button", { type: "button", "data-action": "up", text: "Up", onclick: () => startJob({ kind: "up", phase: phase.phase }) }),
      ),
    );
    list.append(item);
  }
  $("next").textContent = `next: ${data.next}`;
}

// ---- the cutover ----------------------------------------------------------------------------

function renderMigrations(data) {
  const box = $("migrations");
  box.replaceChildren();
  if (data.migrations.length === 0) {
    box.append(el("p", { text: "run's config lists no migration." }));
    return;
  }
  for (const m of data.migrations) {
    const weight = m.deployedWeight ?? m.configuredWeight;
    const source = m.deployedWeight === undefined ? "configured, run not deployed" : "deployed";
    const bar = el(
      "div",
      { className: "split", title: `${100 - weight}% monolith, ${weight}% microservice` },
      el("span", { className: "monolith", text: `monolith ${100 - weight}%` }),
      el("span", { className: "microservice", text: `microservice ${weight}%` }),
    );
    bar.children[0].style.flexGrow = String(100 - weight);
    bar.children[1].style.flexGrow = String(weight);
    bar.children[0].hidden = weight === 100;
    bar.children[1].hidden = weight === 0;
    const input = el("input", { type: "range", min: 0, max: 100, step: 5, value: weight, "aria-label": `new weight for ${m.name}`, "data-weight-input": m.name });
    const shown = el("output", { text: `${weight}%` });
    input.addEventListener("input", () => (shown.textContent = `${input.value}%`));
    const steps = el("input", { type: "text", placeholder: "steps, e.g. 10,25,50 (optional)", "aria-label": `intermediate steps for ${m.name}`, size: 22 });
    const bake = el("select", { "aria-label": "bake time per step" }, ...["30s", "1m", "5m", "10m"].map((d) => el("option", { value: d, text: `bake ${d}`, selected: d === "5m" })));
    const shift = () => {
      const target = Number(input.value);
      const extra = steps.value.trim() ? steps.value.split(",").map((s) => Number(s.trim())) : [];
      startJob({ kind: "shift", migration: m.name, steps: [...extra, target], bake: bake.value });
    };
    box.append(
      el(
        "div",
        { className: "migration", "data-migration": m.name, "data-weight": weight },
        el("h3", { text: m.name }),
        el("p", { className: "detail", text: `${m.pathPrefix} · ${weight}% to the microservice (${source})` }),
        bar,
        el("div", { className: "operator-only controls" }, input, shown, steps, bake, el("button", { type: "button", "data-action": "shift", text: "Shift", onclick: shift })),
      ),
    );
  }
}

// ---- resources ------------------------------------------------------------------------------

function renderResources(data) {
  const box = $("resources");
  box.replaceChildren();
  for (const phase of data.phases) {
    const list = el("ul", {}, ...(phase.planned ? phase.planned.byType.map((t) => el("li", { text: `${t.count} × ${t.type}` })) : []));
    box.append(
      el(
        "details",
        { "data-phase": phase.phase },
        el("summary", { text: `${phase.phase}: ${phase.planned ? phase.planned.resources : 0} planned, ${phase.resourceCount} in the stack (${STATE_TEXT[phase.state] || phase.state})` }),
        list,
      ),
    );
  }
}

// ---- jobs and their events ------------------------------------------------------------------

async function refreshJobs() {
  const { jobs } = await api("GET", "/api/jobs");
  const body = $("jobs").tBodies[0];
  body.replaceChildren(
    ...jobs.slice(0, 20).map((j) =>
      el(
        "tr",
        { "data-job": j.id },
        el("td", { className: "command", text: j.command }),
        el("td", { text: j.state === "finished" ? j.outcome : j.state }),
        el("td", { text: j.requestedBy }),
        el("td", { text: new Date(j.createdAt).toLocaleTimeString() }),
        el("td", {}, el("button", { type: "button", text: "Follow", onclick: () => follow(j.id) })),
      ),
    ),
  );
}

/** Streams a job's events (server-sent events read with fetch, so that the token goes in a header), resuming after the last one seen. */
async function follow(id) {
  if (state.follow) state.follow.abort();
  const controller = new AbortController();
  state.follow = controller;
  state.followed = id;
  $("events").replaceChildren();
  $("job-command").textContent = "";
  $("job-progress").value = 0;
  $("job-progress-text").textContent = "";
  setJob(await api("GET", `/api/jobs/${encodeURIComponent(id)}`).catch(() => undefined));
  let last = 0;
  let ended = false;
  while (!ended && !controller.signal.aborted) {
    try {
      const response = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, {
        headers: { Authorization: `Bearer ${state.token}`, "Last-Event-ID": String(last) },
        signal: controller.signal,
      });
      if (!response.ok) {
        say(`cannot follow job ${id}: HTTP ${response.status}`, "error");
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = parseMessage(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (message.id !== undefined) last = Number(message.id);
          if (message.data === undefined) continue;
          if (message.event === "end") {
            ended = true;
            setJob(JSON.parse(message.data));
            refresh().catch(() => undefined);
          } else {
            onEvent(JSON.parse(message.data));
          }
        }
      }
    } catch (err) {
      if (controller.signal.aborted) return;
    }
    if (!ended) await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

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

function setJob(job) {
  if (!job) return;
  $("job-command").textContent = job.command;
  const stateText = job.state === "finished" ? job.outcome : job.state;
  $("job-state").textContent = stateText;
  $("job-state").className = `badge ${stateText}`;
  $("job").setAttribute("data-state", stateText);
  $("job-message").textContent = job.message || (job.error && job.error.message) || "";
  $("job-cancel").hidden = job.state === "finished" || !isOperator();
  $("job-cancel").onclick = async () => {
    try {
      await api("DELETE", `/api/jobs/${encodeURIComponent(job.id)}`);
      say(`cancelling ${job.command}`);
    } catch (err) {
      say(`could not cancel: ${err.message}`, "error");
    }
  };
  if (job.progress) showProgress(job.progress);
}

function showProgress(progress) {
  const total = progress.total || Math.max(progress.done, 1);
  $("job-progress").max = total;
  $("job-progress").value = progress.done;
  $("job-progress-text").textContent = `${progress.phase} ${progress.action}: ${progress.done}/${progress.total ?? "?"} resources`;
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
    case "waiting":
      return `${e.real ? "waiting" : "would wait"} ${Math.round(e.durationMs / 1000)}s ${e.detail}`;
    case "summary":
      return `${e.outcome === "succeeded" ? "✓" : "✗"} ${e.outcome === "succeeded" ? "" : `${e.outcome.toUpperCase()}: `}${e.message}`;
    default:
      return undefined;
  }
}

function describeChanges(changes) {
  const parts = Object.entries(changes || {}).filter(([, n]) => n > 0).map(([op, n]) => `${op} ${n}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

function onEvent(e) {
  const text = eventText(e);
  if (e.type === "resource-step") showProgress({ phase: e.phase, action: e.action, done: e.progress.done, total: e.progress.total });
  if (e.type === "smoke-check" && e.status !== "retrying") {
    state.checks.set(`${e.phase}|${e.check}`, { phase: e.phase, check: e.check, status: e.status, detail: e.detail });
    renderChecks();
  }
  if (text === undefined) return;
  const list = $("events");
  list.append(el("li", { "data-type": e.type, className: e.type === "summary" ? e.outcome : "", text }));
  while (list.children.length > MAX_EVENT_LINES) list.firstChild.remove();
  list.scrollTop = list.scrollHeight;
}

// ---- smoke checks ---------------------------------------------------------------------------

function renderChecks() {
  const body = $("checks").tBodies[0];
  body.replaceChildren(
    ...[...state.checks.values()].map((c) =>
      el("tr", { className: c.status, "data-check": c.check }, el("td", { text: c.phase }), el("td", { text: c.check }), el("td", { text: c.status === "not-run" ? "NOT RUN" : c.status }), el("td", { text: c.detail })),
    ),
  );
}

async function runChecks() {
  try {
    say("running the smoke checks of the deployed phases (one attempt each)...");
    const data = await api("GET", "/api/phases?checks=true");
    state.checks.clear();
    for (const phase of data.phases) {
      for (const r of phase.checks ? phase.checks.results : []) state.checks.set(`${phase.phase}|${r.check.name}`, { phase: phase.phase, check: r.check.name, status: r.status, detail: r.detail });
    }
    renderChecks();
    say(state.checks.size > 0 ? "smoke checks done" : "no phase is deployed: no smoke check to run");
  } catch (err) {
    say(`smoke checks failed to run: ${err.message}`, "error");
  }
}

// ---- the topology ---------------------------------------------------------------------------

const ZONES = { "on-prem": { x: 20, y: 110, w: 440, h: 270 }, cloud: { x: 500, y: 110, w: 440, h: 270 } };
const NODES = {
  "konnect-cp": { x: 30, y: 18, w: 270, h: 62 },
  "global-cp": { x: 345, y: 18, w: 290, h: 62 },
  gateway: { x: 40, y: 170, w: 190, h: 62 },
  monolith: { x: 40, y: 295, w: 190, h: 62 },
  "onprem-zone-cp": { x: 255, y: 170, w: 190, h: 62 },
  "cloud-zone-cp": { x: 735, y: 170, w: 190, h: 62 },
  microservice: { x: 520, y: 295, w: 200, h: 62 },
};

function renderTopology(data) {
  const root = $("topology");
  root.replaceChildren();
  const phaseState = (phase) => (data.phases && data.phases[phase]) || "not-deployed";
  const boxes = {};
  // Back to front: zones, links, nodes, link labels, so that no zone hides a link and no box a label.
  const zonesLayer = svg("g", { class: "zones" });
  const linksLayer = svg("g", { class: "links" });
  const nodesLayer = svg("g", { class: "nodes" });
  const labelsLayer = svg("g", { class: "labels" });

  for (const zone of data.zones) {
    const at = ZONES[zone.id];
    if (!at) continue;
    const group = svg("g", { "data-zone": zone.id, class: `zone ${phaseState(zone.phase)}` });
    group.append(svg("rect", { x: at.x, y: at.y, width: at.w, height: at.h, rx: 14 }));
    group.append(svg("text", { x: at.x + 14, y: at.y + 24, class: "zone-title" }, `${zone.id === "cloud" ? "cloud zone" : "on-prem zone"}: ${zone.name}`));
    if (zone.detail) group.append(svg("text", { x: at.x + 14, y: at.y + 42, class: "detail" }, zone.detail));
    zonesLayer.append(group);
    let extra = 0;
    for (const node of zone.nodes) {
      const box = NODES[node.id] || { x: at.x + 20 + (extra++ % 2) * 210, y: at.y + 200, w: 190, h: 52 };
      boxes[node.id] = box;
      nodesLayer.append(drawNode(node, box, phaseState(node.phase), zone.id));
    }
  }
  for (const node of data.controlPlanes) {
    const box = NODES[node.id];
    if (!box) continue;
    boxes[node.id] = box;
    nodesLayer.append(drawNode(node, box, phaseState(node.phase)));
  }

  const split = data.splits.reduce((max, s) => Math.max(max, s.weight), 0);
  for (const link of data.links) {
    const a = boxes[link.from];
    const b = boxes[link.to];
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + a.w / 2, a.y + a.h / 2, b.x + b.w / 2, b.y + b.h / 2];
    const toMicroservice = link.kind === "traffic" && link.to === "microservice";
    // Traffic lines are as thick as the share of the migrated paths they carry.
    const width = link.kind !== "traffic" ? 2 : toMicroservice ? 1.5 + (6 * split) / 100 : 1.5 + (6 * (100 - split)) / 100;
    const group = svg("g", { class: `link ${link.kind} ${phaseState(link.phase)}`, "data-link": `${link.from}->${link.to}` });
    group.append(svg("line", { x1, y1, x2, y2, "stroke-width": width.toFixed(1) }));
    linksLayer.append(group);
    const label = toMicroservice && data.splits.length > 0 ? `${link.label} · ${data.splits.map((s) => `${s.migration} ${s.weight}%`).join(", ")}` : link.label;
    const vertical = Math.abs(x1 - x2) < 1;
    labelsLayer.append(svg("text", { x: vertical ? x1 + 8 : (x1 + x2) / 2, y: vertical ? (y1 + y2) / 2 + 4 : (y1 + y2) / 2 - 6, class: `link-label ${vertical ? "" : "middle"}` }, label));
  }
  root.append(zonesLayer, linksLayer, nodesLayer, labelsLayer);

  // The traffic split of each migration: monolith on the left, microservice on the right.
  data.splits.forEach((s, i) => {
    const y = 400 + i * 46;
    const width = 920;
    const toNew = (width * s.weight) / 100;
    const group = svg("g", { class: `split ${s.source}`, "data-split": s.migration, "data-weight": s.weight });
    group.append(svg("text", { x: 20, y, class: "split-label" }, `${s.migration}: ${s.pathPrefix} (${s.source === "deployed" ? "deployed" : "planned: run not deployed"})`));
    group.append(svg("rect", { x: 20, y: y + 8, width: width - toNew, height: 22, class: "to-monolith" }));
    group.append(svg("rect", { x: 20 + width - toNew, y: y + 8, width: toNew, height: 22, class: "to-microservice" }));
    if (s.weight < 100) group.append(svg("text", { x: 28, y: y + 24, class: "split-text" }, `monolith ${100 - s.weight}%`));
    if (s.weight > 0) group.append(svg("text", { x: 20 + width - 8, y: y + 24, class: "split-text end" }, `microservice ${s.weight}%`));
    root.append(group);
  });
  root.setAttribute("viewBox", `0 0 960 ${Math.max(400, 400 + data.splits.length * 46)}`);
}

function drawNode(node, box, phaseState, zone) {
  const group = svg("g", { "data-node": node.id, "data-in-zone": zone, class: `node ${node.kind} ${phaseState}` });
  group.append(svg("title", {}, `${node.label}${node.detail ? `: ${node.detail}` : ""} (${node.phase}, ${STATE_TEXT[phaseState] || phaseState})`));
  group.append(svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }));
  group.append(svg("text", { x: box.x + 10, y: box.y + 24, class: "node-label" }, node.label));
  if (node.detail) group.append(svg("text", { x: box.x + 10, y: box.y + 44, class: "detail" }, clip(node.detail, Math.floor(box.w / 6.4))));
  return group;
}

const clip = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// ---- wiring ---------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("token").value = state.token;
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value.trim();
    signIn();
  });
  $("run-checks").addEventListener("click", runChecks);
  $("rollback").addEventListener("click", () => startJob({ kind: "rollback" }));
  signIn();
});
