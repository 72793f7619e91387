import { strict as assert } from "assert";
import { main } from "../../cli/journey";
import { OPERATOR } from "./support";

interface Run {
  code: Promise<number>;
  out: () => string;
  err: () => string;
}

function journey(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Run {
  let out = "";
  let err = "";
  const code = main(
    ["node", "journey", ...args],
    { out: (s) => void (out += s), err: (s) => void (err += s) },
    { env, signal, terminal: { write: () => true } },
  );
  return { code, out: () => out, err: () => err };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("journey serve (CLI)", function () {
  this.timeout(60_000);

  it("has --help and refuses to start without a token, or with a bad port", async () => {
    const help = journey(["serve", "--help"], {});
    assert.equal(await help.code, 0);
    assert.match(help.out(), /^Usage: journey serve \[options\]/);
    assert.match(help.out(), /--tokens-file <file>/);

    const noToken = journey(["serve", "--offline", "--port", "0"], {});
    assert.equal(await noToken.code, 2);
    assert.match(noToken.err(), /journey serve: no API token is configured: pass --tokens-file <file>/);

    const badPort = journey(["serve", "--port", "70000"], { JOURNEY_OPERATOR_TOKENS: OPERATOR });
    assert.equal(await badPort.code, 2);
    assert.match(badPort.err(), /must be a TCP port from 0 to 65535/);
  });

  it("`serve --offline --port 0` serves the API and the page until stopped", async () => {
    const stop = new AbortController();
    const run = journey(
      ["serve", "--offline", "--port", "0", "--grace", "1s"],
      { JOURNEY_OPERATOR_TOKENS: OPERATOR },
      stop.signal,
    );
    const url = await until(
      () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out())?.[1],
      "the server to listen",
    );
    assert.match(run.out(), /offline engine/);
    const whoami = await fetch(`${url}/api/whoami`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    assert.deepEqual((await whoami.json()).role, "operator");
    const job = await (
      await fetch(`${url}/api/jobs`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
        body: '{"kind":"preview","phase":"crawl"}',
      })
    ).json();
    assert.equal(job.command, "journey preview crawl");
    assert.equal((await fetch(`${url}/`)).status, 200);

    stop.abort();
    assert.equal(await run.code, 0);
    assert.match(run.err(), /journey serve: shutting down: no new jobs/);
    assert.match(run.err(), /journey serve: stopped/);
    assert.match(run.err(), /job [0-9a-f-]{36} finished: (succeeded|cancelled)/);
    await assert.rejects(fetch(`${url}/api/health`));
  });
});
