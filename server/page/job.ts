import type { JourneyEvent } from "../../automation/journey/events";
import type { JobView } from "../job";
import { cancelJob, getJob, isOperator, session } from "./api";
import { onCheckEvent } from "./checks";
import { $, el, say } from "./dom";
import { EventList } from "./eventList";
import { hideGates, renderGates } from "./gates";
import { readStream } from "./sse";

/** The followed job: its state and progress, and its events live (server-sent events), resumed after the last one seen. */

const MAX_EVENT_LINES = 300;

let followed: AbortController | undefined;
/** The job the status line said was started: once it ends, the line says how. */
let announced: string | undefined;

export function announce(id: string): void {
  announced = id;
}

/** Follows a job's events until it ends (then `onEnd`), or until another job is followed. */
export async function follow(id: string, onEnd: () => void = () => undefined): Promise<void> {
  followed?.abort();
  const controller = new AbortController();
  followed = controller;
  $("events").replaceChildren();
  $("job-command").textContent = "";
  $<HTMLProgressElement>("job-progress").value = 0;
  $("job-progress-text").textContent = "";
  hideGates();
  setJob(await getJob(id).catch(() => undefined));
  const list = new EventList();
  let last = 0;
  let ended = false;
  while (!ended && !controller.signal.aborted) {
    try {
      const response = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, {
        headers: { Authorization: `Bearer ${session.token}`, "Last-Event-ID": String(last) },
        signal: controller.signal,
      });
      if (!response.ok) {
        say(`cannot follow job ${id}: HTTP ${response.status}`, "error");
        return;
      }
      await readStream(response, (message) => {
        if (message.id !== undefined) last = Number(message.id);
        if (message.data === undefined) return;
        if (message.event === "end") {
          ended = true;
          setJob(JSON.parse(message.data) as JobView);
          onEnd();
        } else {
          onEvent(JSON.parse(message.data) as JourneyEvent, list);
        }
      });
    } catch {
      if (controller.signal.aborted) return;
    }
    if (!ended) await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

function setJob(job: JobView | undefined): void {
  if (!job) return;
  // The status line said this job started: say how it ended.
  if (job.state === "finished" && announced === job.id) {
    announced = undefined;
    say(
      `${job.command}: ${job.outcome}${job.message ? `: ${job.message}` : ""}`,
      job.outcome === "succeeded" ? "info" : "error",
    );
  }
  $("job-command").textContent = job.command;
  const stateText = job.state === "finished" ? job.outcome! : job.state;
  $("job-state").textContent = stateText;
  $("job-state").className = `badge ${stateText}`;
  $("job").setAttribute("data-state", stateText);
  $("job-message").textContent = job.message || (job.error && job.error.message) || "";
  const cancel = $("job-cancel");
  cancel.hidden = job.state === "finished" || !isOperator();
  cancel.onclick = async () => {
    try {
      await cancelJob(job.id);
      say(`cancelling ${job.command}`);
    } catch (err) {
      say(`could not cancel: ${(err as Error).message}`, "error");
    }
  };
  if (job.progress) showProgress(job.progress);
}

function showProgress(progress: NonNullable<JobView["progress"]>): void {
  const bar = $<HTMLProgressElement>("job-progress");
  bar.max = progress.total || Math.max(progress.done, 1);
  bar.value = progress.done;
  $("job-progress-text").textContent =
    `${progress.phase} ${progress.action}: ${progress.done}/${progress.total ?? "?"} resources`;
}

function onEvent(e: JourneyEvent, events: EventList): void {
  if (e.type === "metric-gate") renderGates(e);
  if (e.type === "resource-step")
    showProgress({ phase: e.phase, action: e.action, done: e.progress.done, total: e.progress.total });
  if (e.type === "smoke-check") onCheckEvent(e);
  const item = events.item(e);
  if (item === undefined) return;
  const list = $("events");
  list.append(el("li", { "data-type": item.type, className: item.className, text: item.text }));
  while (list.children.length > MAX_EVENT_LINES) list.firstChild!.remove();
  list.scrollTop = list.scrollHeight;
}
