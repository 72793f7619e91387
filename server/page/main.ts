import { ApiError, get, JobBody, postJob, session, isOperator } from "./api";
import { runChecks } from "./checks";
import { $, el, say } from "./dom";
import { announce, follow } from "./job";
import { renderMigrations } from "./migrations";
import { renderResources, renderTimeline } from "./timeline";
import { renderTopology } from "./topology";

/**
 * The journey dashboard (bundled by server/dashboard.ts): sign-in, the 5-second poll of the
 * phases, the topology and the jobs, and the wiring of the page's controls.
 */

const REFRESH_MS = 5000;
let timer: ReturnType<typeof setInterval> | undefined;

declare global {
  interface Window {
    /** What the page's poll does, callable from a test or the console. */
    refresh: typeof refresh;
    /** Follows a job by id, as its Follow button does. */
    follow: typeof followJob;
  }
}

async function startJob(body: JobBody): Promise<void> {
  try {
    const job = await postJob(body);
    announce(job.id);
    say(`${job.command}: ${job.state === "queued" ? "queued" : "started"} (job ${job.id})`);
    void followJob(job.id);
    void refreshJobs();
  } catch (err) {
    say(`could not start the job: ${(err as Error).message}`, "error");
  }
}

const followJob = (id: string) => follow(id, () => void refresh().catch(() => undefined));

async function signIn(): Promise<void> {
  if (!session.token) {
    say("Paste an API token to see the journey (read-only or operator).");
    return;
  }
  try {
    session.whoami = await get("/api/whoami");
  } catch (err) {
    session.whoami = undefined;
    say(
      err instanceof ApiError && err.status === 401
        ? "That token is not valid."
        : `sign-in failed: ${(err as Error).message}`,
      "error",
    );
    return;
  }
  const { whoami } = session;
  sessionStorage.setItem("journey-token", session.token);
  $("whoami").textContent = `${whoami.name} (${whoami.role})`;
  $("engine").textContent = whoami.engine === "offline" ? "offline engine: nothing is deployed" : "Pulumi engine";
  $("engine").title = whoami.engineDescription;
  document.body.classList.toggle("operator", isOperator());
  say("");
  await refresh();
  const { jobs } = await get("/api/jobs");
  const running = jobs.find((j) => j.state === "running") || jobs[0];
  if (running) void followJob(running.id);
  clearInterval(timer);
  timer = setInterval(() => refresh().catch(() => undefined), REFRESH_MS);
}

async function refresh(): Promise<void> {
  const [phases, topology] = await Promise.all([get("/api/phases"), get("/api/topology")]);
  renderTimeline(phases, startJob);
  renderMigrations(phases, startJob);
  renderResources(phases);
  renderTopology(topology);
  await refreshJobs();
}

async function refreshJobs(): Promise<void> {
  const { jobs } = await get("/api/jobs");
  $<HTMLTableElement>("jobs").tBodies[0].replaceChildren(
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
          el("td", {}, el("button", { type: "button", text: "Follow", onclick: () => void followJob(j.id) })),
        ),
      ),
  );
}

window.refresh = refresh;
window.follow = followJob;

document.addEventListener("DOMContentLoaded", () => {
  const token = $<HTMLInputElement>("token");
  token.value = session.token;
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    session.token = token.value.trim();
    void signIn();
  });
  $("run-checks").addEventListener("click", () => void runChecks());
  $("rollback").addEventListener("click", () => void startJob({ kind: "rollback" }));
  void signIn();
});
