import * as assert from "node:assert/strict";
import { Cutover, CutoverArgs } from "../../components/cutover";
import { DYNAMIC_PREFIX } from "../../offline/resourceTypes";
import { MICROSERVICE, MONOLITH_SERVICE, meshHttpRoute, meshRetry, meshTimeout } from "../../render/kuma";
import { isSecret, recordComponent, typesAndNames } from "../support/components";

const KUMA_RESOURCE = `${DYNAMIC_PREFIX}kuma:Resource`;
const MIGRATION = {
  name: "disputes",
  pathPrefix: "/monolith/resources/card/dispute",
  rewritePrefix: "/disputes",
  weight: 10,
};
const ARGS: CutoverArgs = {
  api: { url: "https://203.0.113.40:5682", token: "admin-token" },
  migration: MIGRATION,
  microservice: MICROSERVICE,
  timeouts: { requestTimeout: "3s" },
  retries: { numRetries: 2 },
};

const record = (migration: Partial<CutoverArgs["migration"]> = {}, args: Partial<CutoverArgs> = {}) =>
  recordComponent(
    Cutover,
    () => new Cutover("cut", { ...ARGS, ...args, migration: { ...MIGRATION, ...migration } }),
    (c) => ({ routeName: c.routeName }),
  );
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe(`${Cutover.TYPE} alone`, () => {
  it("is the migration's route, and the timeout and retries of that route once it exists", async () => {
    const c = await record();
    assert.deepEqual(c.component.inputs, { migration: "disputes" });
    assert.deepEqual(typesAndNames(c.children), [
      [KUMA_RESOURCE, "cut-retry"],
      [KUMA_RESOURCE, "cut-route"],
      [KUMA_RESOURCE, "cut-timeout"],
    ]);
    const route = c.resource("cut-route");
    assert.ok(c.waitsFor(c.resource("cut-timeout"), route) && c.waitsFor(c.resource("cut-retry"), route));
    for (const child of c.children)
      assert.ok(isSecret(child.inputs.connection), `${child.name}: the API token is secret`);
    assert.deepEqual(c.outputs, { routeName: "disputes" });
  });

  it("splits the path by weight to the microservice, with that route's timeouts and retries", async () => {
    const { resource } = await record();
    const scope = (kind: string) => ({ name: `disputes-${kind}`, routes: ["disputes"], microservice: MICROSERVICE });
    assert.deepEqual(resource("cut-route").inputs.resource, plain(meshHttpRoute({ ...MIGRATION, to: MICROSERVICE })));
    assert.deepEqual(
      resource("cut-timeout").inputs.resource,
      plain(meshTimeout({ ...scope("timeout"), timeouts: ARGS.timeouts })),
    );
    assert.deepEqual(
      resource("cut-retry").inputs.resource,
      plain(meshRetry({ ...scope("retry"), retries: ARGS.retries })),
    );
  });

  it("a new weight changes the route and nothing else", async () => {
    const before = await record({ weight: 10 });
    const after = await record({ weight: 50 });
    assert.notDeepEqual(after.resource("cut-route").inputs, before.resource("cut-route").inputs);
    for (const name of ["cut-timeout", "cut-retry"])
      assert.deepEqual(after.resource(name).inputs, before.resource(name).inputs, name);
  });

  it("refuses a weight outside 0..100 and a cutover to the monolith itself", async () => {
    await assert.rejects(record({ weight: 101 }), /migration\("disputes"\)\.weight .*from 0 to 100/);
    await assert.rejects(
      record({}, { microservice: MONOLITH_SERVICE as any }),
      /must be a different service from the monolith/,
    );
  });
});
