// Runs in `npm run test:real`, not `npm test` (moved from test/server/): it drives Debian's Chromium,
// a real program like the tier's Envoy and Prometheus, about 3 s of CPU. The portal's API, SSE
// stream and page assets are tested in-process in test/server/.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "playwright-core";
import { PROJECT_DIR } from "../../offline/stackConfig";
import { PlainRenderer } from "../../cli/renderers";
import { OPERATOR, READER, readEvents, startServer, TestServer } from "../server/support";
import { browserIt, hasChromium, launchChromium } from "../server/chromium";

/** Screenshots kept for people to look at (gitignored). */
const ARTIFACTS = path.join(PROJECT_DIR, "test-artifacts");

describe("portal server: the dashboard in a real browser (headless Chromium)", function () {
  this.timeout(90_000);
  let t: TestServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const problems: string[] = [];

  before(async function () {
    if (!hasChromium) return;
    t = await startServer({ real: true });
    browser = await launchChromium({ width: 1400, height: 1000 });
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(token: string): Promise<Page> {
    const page = await browser!.context.newPage();
    // A CSP violation, a script error or a failed request shows here.
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
    await page.goto(t!.url);
    await page.fill("#token", token);
    await page.click("#use-token");
    await page.waitForSelector('#timeline [data-phase="crawl"]');
    return page;
  }

  browserIt("loads, draws both zones from the plan, runs an offline preview and shows its events live", async () => {
    const page = await open(OPERATOR);
    assert.equal(await page.title(), "cloud-migration-journey");
    assert.equal(await page.textContent("#whoami"), "alice (operator)");
    assert.equal(await page.textContent("#engine"), "offline engine: nothing is deployed");
    assert.deepEqual(
      await page.$$eval("#timeline [data-phase]", (items) =>
        items.map((i) => [i.getAttribute("data-phase"), i.getAttribute("data-state")]),
      ),
      [
        ["crawl", "not-deployed"],
        ["walk", "not-deployed"],
        ["run", "not-deployed"],
      ],
    );

    // The picture: drawn as SVG from the plan.
    await page.waitForSelector('#topology [data-zone="cloud"]');
    assert.equal(await page.textContent('#topology [data-zone="on-prem"] .zone-title'), "on-prem zone: on-prem");
    assert.equal(await page.textContent('#topology [data-zone="cloud"] .zone-title'), "cloud zone: cloud");
    for (const node of [
      "monolith",
      "gateway",
      "onprem-zone-cp",
      "cloud-zone-cp",
      "microservice",
      "global-cp",
      "konnect-cp",
    ]) {
      assert.equal(await page.locator(`#topology [data-node="${node}"]`).count(), 1, node);
    }
    assert.equal(await page.getAttribute('#topology [data-split="disputes"]', "data-weight"), "0");
    assert.equal(await page.locator("#topology [data-link]").count(), 5);

    // A preview on the offline engine, followed over server-sent events.
    await page.click('#timeline [data-phase="crawl"] button[data-action="preview"]');
    await page.waitForSelector('#events li[data-type="summary"]');
    const lines = await page.$$eval("#events li", (items) => items.map((i) => i.textContent ?? ""));
    assert.match(lines[0], /^▶ journey preview crawl {3}\[offline engine/);
    assert.ok(
      lines.filter((l) => /^ {2}\+ would create aws:ec2:Instance kmj-onprem-(monolith|gateway)-instance/.test(l))
        .length === 2,
      lines.join("\n"),
    );
    // Line for line what the CLI prints for the same events (automation/journey/wording.ts).
    const { jobs } = (await t!.call("GET", "/api/jobs")).body;
    const id = jobs.find((j: any) => j.command === "journey preview crawl").id;
    const cli: string[] = [];
    const plain = new PlainRenderer((text) => void cli.push(text.replace(/\n$/, "")));
    for (const message of await readEvents(`${t!.url}/api/jobs/${id}/events`))
      if (message.event !== "end") plain.onEvent(message.data);
    assert.deepEqual(lines, cli);
    const created = /^✓ crawl: would create (\d+)$/.exec(lines.at(-1)!);
    assert.ok(created, lines.at(-1));
    assert.equal(await page.textContent("#job-state"), "succeeded");
    assert.equal(await page.getAttribute("#job-progress", "value"), created[1], "the progress bar is full");

    // An up: the phase turns deployed in the timeline and the picture; smoke checks show NOT RUN.
    await page.click('#timeline [data-phase="crawl"] button[data-action="up"]');
    await page.waitForSelector('#timeline [data-phase="crawl"][data-state="deployed"]');
    await page.waitForSelector('#topology [data-node="monolith"].deployed');
    assert.equal(await page.locator('#topology [data-node="microservice"].not-deployed').count(), 1);
    assert.deepEqual(
      await page.$$eval("#checks tbody tr td:nth-child(3)", (cells) => [...new Set(cells.map((c) => c.textContent))]),
      ["NOT RUN"],
    );

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard.png"), fullPage: true });
    assert.deepEqual(problems, []);
  });

  browserIt(
    "the page's polls keep what an operator typed; a job's status line ends with its outcome; an error is said once",
    async () => {
      const page = await open(OPERATOR);
      const steps = '#migrations [data-migration="disputes"] [data-steps-input]';
      await page.fill(steps, "10,25");
      await page.locator('#migrations [data-migration="disputes"] input[type="range"]').fill("50");
      // What the 5-second poll does, without waiting for it.
      await page.evaluate("refresh()");
      await page.evaluate("refresh()");
      assert.equal(await page.inputValue(steps), "10,25");
      assert.equal(await page.inputValue('#migrations [data-migration="disputes"] input[type="range"]'), "50");

      await page.click('#timeline [data-phase="walk"] button[data-action="preview"]');
      await page.waitForFunction(
        () => !/: (queued|started) \(job/.test(document.getElementById("message")!.textContent ?? ""),
      );
      assert.match((await page.textContent("#message"))!, /^journey preview walk: (gate-refused|succeeded)/);

      // Run's weight is 0 and a shift never moves traffic back: refused with one message for the field.
      await page.fill(steps, "");
      await page.locator('#migrations [data-migration="disputes"] input[type="range"]').fill("0");
      await page.click('#migrations [data-migration="disputes"] button[data-action="shift"]');
      await page.waitForSelector("#message.error");
      const message = (await page.textContent("#message"))!;
      assert.match(
        message,
        /^could not start the job: 400 invalid request: steps must rise above disputes's current weight, 0%/,
      );
      assert.equal(message.split("must rise").length, 2, `said once: ${message}`);
      // The browser logs the refused request itself; nothing else went wrong.
      assert.deepEqual(problems.splice(0), [
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
      ]);
    },
  );

  browserIt("deployed and traffic read apart; nothing scrolls sideways at phone width", async () => {
    const page = await open(READER);
    const colour = (selector: string) => page.$eval(selector, (node) => getComputedStyle(node).backgroundColor);
    assert.notEqual(await colour(".legend .key.deployed"), await colour(".legend .key.traffic"));
    for (const width of [375, 320]) {
      await page.setViewportSize({ width, height: 800 });
      await page.waitForTimeout(50);
      const [scrollWidth, clientWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
      ]);
      assert.ok(scrollWidth <= clientWidth, `at ${width}px the page is ${scrollWidth}px wide`);
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
    assert.deepEqual(problems, []);
  });

  browserIt("a read-only token sees the journey without operator controls", async () => {
    const page = await open(READER);
    assert.equal(await page.textContent("#whoami"), "bob (read-only)");
    assert.equal(await page.isVisible('#timeline [data-phase="crawl"] button[data-action="preview"]'), false);
    assert.equal(await page.isVisible("#rollback"), false);
    assert.equal(await page.locator('#migrations [data-migration="disputes"]').count(), 1);
    assert.deepEqual(problems, []);
  });
});
