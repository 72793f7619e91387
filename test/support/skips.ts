/**
 * Tests that need something outside the checkout (../shared/upstream, a peer, a Debian tool, a
 * built dist/) skip where it is absent, saying what is missing and how to get it. In CI nothing
 * skips: there the test runs and fails on what is missing.
 */
const mustRun = (ready: boolean): boolean => ready || !!process.env.CI;

export function describeIf(ready: boolean, missing: string, title: string, body: (this: Mocha.Suite) => void): void {
  if (mustRun(ready)) describe(title, body);
  else describe.skip(`${title} (skipped: ${missing})`, body);
}

/** `it` for tests that need what `missing` names. */
export function itIf(ready: boolean, missing: string): (title: string, fn: Mocha.Func | Mocha.AsyncFunc) => Mocha.Test {
  return mustRun(ready) ? it : (title, fn) => it.skip(`${title} (skipped: ${missing})`, fn);
}
