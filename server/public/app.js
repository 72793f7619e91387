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
    // A validation error's message restates its fields: say each field once.
    const detail =
      Array.isArray(data.fields) && data.fields.length > 0
        ? `invalid request: ${data.fields.map((f) => `${f.field} ${f.message}`).join("; ")}`
        : data.message || response.statusText;
    const error = new Error(`${response.status} ${detail}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

const isOperator = () => state.whoami && state.whoami.role === "operator";

async function startJob(body) {
  try {
    const job = await api("POST", "/api/jobs", body);
    state.announced = job.id;
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
    const busy = phase.jobs.running
      ? "a job is running"
      : phase.jobs.queued.length > 0
        ? `${phase.jobs.queued.length} job(s) queued`
        : "";
    const item = el(
      "li",
      { className: `phase ${phase.state}`, "data-phase": phase.phase, "data-state": phase.state },
      el("h3", { text: phase.phase }),
      el("p", { className: "state", text: STATE_TEXT[phase.state] || phase.state }),
      el("p", {
        className: "detail",
        text: `stack ${phase.stack} · ${phase.resourceCount} deployed / ${phase.planned ? phase.planned.resources : "?"} planned resources`,
      }),
      phase.lastUpdate
        ? el("p", {
            className: "detail",
            text: `last update ${phase.lastUpdate.result}${phase.lastUpdate.message ? `: ${phase.lastUpdate.message}` : ""}`,
          })
        : undefined,
      busy ? el("p", { className: "busy", text: busy }) : undefined,
      el(
        "div",
        { className: "operator-only actions" },
        el("button", {
          type: "button",
          "data-action": "preview",
          text: "Preview",
          onclick: () => startJob({ kind: "preview", phase: phase.phase }),
        }),
        el("button", {
          type: "button",
          "data-action": "up",
          text: "Up",
          onclick: () => startJob({ kind: "up", phase: phase.phase }),
        }),
      ),
    );
    list.append(item);
  }
  $("next").textContent = `next: ${data.next}`;
}

// ---- the cutover ----------------------------------------------------------------------------

// Each migration's controls are built once and then only updated, so that the page's polls never
// wipe what an operator is typing or has picked.
function renderMigrations(data) {
  const box = $("migrations");
  const names = data.migrations.map((m) => m.name);
  if (box.dataset.names !== JSON.stringify(names)) {
    box.replaceChildren(...data.migrations.map(migrationCard));
    box.dataset.names = JSON.stringify(names);
    if (data.migrations.length === 0) box.append(el("p", { text: "run's config lists no migration." }));
  }
  for (const m of data.migrations) updateMigration(box.querySelector(`[data-migration="${CSS.escape(m.name)}"]`), m);
}

function migrationCard(m) {
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

function updateMigration(card, m) {
  const weight = m.deployedWeight ?? m.configuredWeight;
  const source = m.deployedWeight === undefined ? "configured, run not deployed" : "deployed";
  card.setAttribute("data-weight", weight);
  card.querySelector(".detail").textContent = `${m.pathPrefix} · ${weight}% to the microservice (${source})`;
  const [monolith, microservice] = card.querySelector(".split").children;
  card.querySelector(".split").title = `${100 - weight}% monolith, ${weight}% microservice`;
  monolith.textContent = `monolith ${100 - weight}%`;
  microservice.textContent = `microservice ${weight}%`;
  monolith.style.flexGrow = String(100 - weight);
  microservice.style.flexGrow = String(weight);
  monolith.hidden = weight === 100;
  microservice.hidden = weight === 0;
  // The slider follows the deployed weight until the operator moves it.
  const input = card.querySelector("input[type=range]");
  if (!input.dataset.touched) {
    input.value = String(weight);
    card.querySelector("output").textContent = `${weight}%`;
  }
}

// ---- resources ------------------------------------------------------------------------------

function renderResources(data) {
  const box = $("resources");
  box.replaceChildren();
  for (const phase of data.phases) {
    const list = el(
      "ul",
      {},
      ...(phase.planned ? phase.planned.byType.map((t) => el("li", { text: `${t.count} × ${t.type}` })) : []),
    );
    box.append(
      el(
        "details",
        { "data-phase": phase.phase },
        el("summary", {
          text: `${phase.phase}: ${phase.planned ? phase.planned.resources : 0} planned, ${phase.resourceCount} in the stack (${STATE_TEXT[phase.state] || phase.state})`,
        }),
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
    ...jobs
      .slice(0, 20)
      .map((j) =>
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
  $("gates").hidden = true;
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

function setJob(job) {
  if (!job) return;
  // The status line said this job started: say how it ended.
  if (job.state === "finished" && state.announced === job.id) {
    state.announced = undefined;
    say(
      `${job.command}: ${job.outcome}${job.message ? `: ${job.message}` : ""}`,
      job.outcome === "succeeded" ? "info" : "error",
    );
  }
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
  $("job-progress-text").textContent =
    `${progress.phase} ${progress.action}: ${progress.done}/${progress.total ?? "?"} resources`;
}

function onEvent(e) {
  const text = eventText(e);
  if (e.type === "metric-gate") renderGates(e);
  if (e.type === "resource-step")
    showProgress({ phase: e.phase, action: e.action, done: e.progress.done, total: e.progress.total });
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
      el(
        "tr",
        { className: c.status, "data-check": c.check },
        el("td", { text: c.phase }),
        el("td", { text: c.check }),
        el("td", { text: c.status === "not-run" ? "NOT RUN" : c.status }),
        el("td", { text: c.detail }),
      ),
    ),
  );
}

async function runChecks() {
  try {
    say("running the smoke checks of the deployed phases (one attempt each)...");
    const data = await api("GET", "/api/phases?checks=true");
    state.checks.clear();
    for (const phase of data.phases) {
      for (const r of phase.checks ? phase.checks.results : [])
        state.checks.set(`${phase.phase}|${r.check.name}`, {
          phase: phase.phase,
          check: r.check.name,
          status: r.status,
          detail: r.detail,
        });
    }
    renderChecks();
    say(state.checks.size > 0 ? "smoke checks done" : "no phase is deployed: no smoke check to run");
  } catch (err) {
    say(`smoke checks failed to run: ${err.message}`, "error");
  }
}

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
