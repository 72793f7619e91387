import { z } from "zod";
import { PHASES } from "../config/schema";
import { eventsQuery, JOB_BODIES, JOB_KINDS, jobParams, phasesQuery } from "./schemas";

/**
 * The portal API as an OpenAPI 3.1 document, served at `/api/openapi.json`. Request schemas are the
 * routes' own zod schemas (server/schemas.ts) as JSON Schema, the input side of each; responses are
 * described here, as the routes build them.
 */

type Json = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
};

const fieldError = z.object({ field: z.string(), message: z.string() });
const errorBody = z.looseObject({ error: z.string(), message: z.string(), fields: z.array(fieldError).optional() });
const jobView = z.looseObject({
  id: z.uuid(),
  kind: z.enum(JOB_KINDS),
  request: z.looseObject({ kind: z.enum(JOB_KINDS) }),
  stacks: z.array(z.enum(PHASES)),
  command: z.string(),
  state: z.enum(["queued", "running", "finished"]),
  outcome: z.enum(["succeeded", "failed", "gate-refused", "rolled-back", "cancelled", "usage"]).optional(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  cancelRequested: z.boolean(),
  message: z.string().optional(),
  events: z.number().int(),
});
const health = z.object({ ok: z.boolean(), acceptingJobs: z.boolean(), engine: z.string() });

const json = (ref: string, description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});
const anyObject = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});
const error = (description: string) => json("Error", description);
const DENIED = {
  "401": error("no bearer token, or one that is not valid"),
  "403": error("the token's role may not do this"),
};

function queryParameters(schema: z.ZodType, descriptions: Record<string, string>): Json[] {
  const { properties = {}, required = [] } = jsonSchema(schema) as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.includes(name),
    description: descriptions[name],
    schema: property,
  }));
}

const idParameter = {
  name: "id",
  in: "path",
  required: true,
  description: "the job's id",
  schema: (jsonSchema(jobParams) as { properties: Record<string, Json> }).properties.id,
};

export function openApiDocument(version: string): Json {
  const jobBodies = Object.fromEntries(
    Object.entries(JOB_BODIES).map(([kind, schema]) => [`${cap(kind)}Job`, jsonSchema(schema)]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "cloud-migration-journey portal API",
      version,
      description:
        "Phases, jobs (preview, up, shift, rollback) and their live events, on the same Journey library as the `journey` CLI. Bearer tokens: read-only reads, operator also starts and cancels jobs.",
    },
    security: [{ bearer: [] }],
    paths: {
      "/api/health": {
        get: { operationId: "health", security: [], responses: { "200": json("Health", "the server is up") } },
      },
      "/api/openapi.json": {
        get: { operationId: "openapi", security: [], responses: { "200": anyObject("this document") } },
      },
      "/api/whoami": {
        get: {
          operationId: "whoami",
          responses: { "200": anyObject("the caller's name and role, and the engine"), ...DENIED },
        },
      },
      "/api/phases": {
        get: {
          operationId: "listPhases",
          parameters: queryParameters(phasesQuery, {
            checks: "run each deployed phase's smoke checks now (one attempt each)",
          }),
          responses: {
            "200": anyObject("phases, their stacks and status; run's migrations and weights"),
            "400": error("invalid query"),
            ...DENIED,
          },
        },
      },
      "/api/plan": {
        get: {
          operationId: "plan",
          responses: { "200": anyObject("the offline plan the server evaluated at start"), ...DENIED },
        },
      },
      "/api/topology": {
        get: {
          operationId: "topology",
          responses: { "200": anyObject("zones, control planes and the traffic split, for the dashboard"), ...DENIED },
        },
      },
      "/api/jobs": {
        get: {
          operationId: "listJobs",
          responses: {
            "200": {
              description: "every job the server knows",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { jobs: { type: "array", items: { $ref: "#/components/schemas/Job" } } },
                    required: ["jobs"],
                  },
                },
              },
            },
            ...DENIED,
          },
        },
        post: {
          operationId: "startJob",
          description: "Operator. One job runs per stack at a time; later ones queue.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/JobRequest" } } },
          },
          responses: {
            "202": {
              ...json("Job", "queued; `Location` names the job"),
              headers: { Location: { schema: { type: "string" } } },
            },
            "400": error("invalid input: one entry per field"),
            ...DENIED,
            "409": error("a shift of this migration is already queued or running, or the stack is locked"),
            "429": {
              ...error("the stack's queue is full"),
              headers: { "Retry-After": { schema: { type: "integer" } } },
            },
          },
        },
      },
      "/api/jobs/{id}": {
        parameters: [idParameter],
        get: {
          operationId: "getJob",
          responses: {
            "200": json("Job", "the job"),
            "400": error("not a job id"),
            "404": error("no such job"),
            ...DENIED,
          },
        },
        delete: {
          operationId: "cancelJob",
          description:
            "Operator. A queued job is cancelled at once (200), a running one after the step in flight (202).",
          responses: {
            "200": json("Job", "cancelled, or finished already"),
            "202": json("Job", "cancelling"),
            "400": error("not a job id"),
            "404": error("no such job"),
            ...DENIED,
          },
        },
      },
      "/api/jobs/{id}/events": {
        parameters: [idParameter],
        get: {
          operationId: "jobEvents",
          parameters: [
            ...queryParameters(eventsQuery, {
              lastEventId: "resume after this event (EventSource clients send the Last-Event-ID header instead)",
            }),
            { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string", pattern: "^\\d{1,9}$" } },
          ],
          responses: {
            "200": {
              description:
                "Server-Sent Events: each journey event as a message with its id, then one `end` event with the job",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            "400": error("invalid query or Last-Event-ID"),
            "404": error("no such job"),
            ...DENIED,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        ...jobBodies,
        JobRequest: {
          oneOf: Object.keys(jobBodies).map((name) => ({ $ref: `#/components/schemas/${name}` })),
          discriminator: {
            propertyName: "kind",
            mapping: Object.fromEntries(
              Object.keys(JOB_BODIES).map((kind) => [kind, `#/components/schemas/${cap(kind)}Job`]),
            ),
          },
        },
        Job: jsonSchema(jobView),
        Error: jsonSchema(errorBody),
        Health: jsonSchema(health),
      },
    },
  };
}

function cap(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}
