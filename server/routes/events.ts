import type { FastifyInstance, FastifyReply } from "fastify";
import { notFound, SECURITY_HEADERS } from "../http";
import type { JobManager } from "../jobs";
import { eventsQuery, jobParams, lastEventId, parse } from "../schemas";

/** The open event streams: each ends when its job does, or all at once when the server shuts down. */
export type OpenStreams = Set<() => void>;

/**
 * `GET /api/jobs/:id/events`: a job's journey events as server-sent events, from after
 * `Last-Event-ID` (header or query), then one `end` event with the job.
 */
export function eventRoutes(app: FastifyInstance, jobs: JobManager, streams: OpenStreams, heartbeatMs: number) {
  app.get("/api/jobs/:id/events", async (request, reply) => {
    const { id } = parse(jobParams, request.params, "params");
    const query = parse(eventsQuery, request.query, "query");
    const header = request.headers["last-event-id"];
    const last =
      header !== undefined
        ? parse(lastEventId, Array.isArray(header) ? header[0] : header, "Last-Event-ID")
        : (query.lastEventId ?? 0);
    if (!jobs.get(id)) throw notFound(id);
    streamEvents(reply, id, last);
    return reply;
  });

  function streamEvents(reply: FastifyReply, id: string, last: number): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let closed = false;
    // Assigned once `follow` returns; `end` may run inside it (a finished job ends at once).
    // eslint-disable-next-line prefer-const
    let stop: (() => void) | undefined;
    const write = (text: string) => void (closed || res.write(text));
    const heartbeat = setInterval(() => write(": keep-alive\n\n"), heartbeatMs);
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop?.();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    res.on("close", end);
    write("retry: 2000\n\n");
    // Journey events as plain messages (EventSource's `message`), then one `end` event with the job.
    stop = jobs.follow(id, last, {
      onEvent: ({ id: eventId, event }) => write(`id: ${eventId}\ndata: ${JSON.stringify(event)}\n\n`),
      onEnd: (job) => {
        write(`event: end\ndata: ${JSON.stringify(job)}\n\n`);
        end();
      },
    });
    if (closed) stop?.();
  }
}
