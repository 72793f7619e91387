// A root hook plugin (.mocharc.yml `require`): the unit suite plans the same few configurations of
// the journey hundreds of times, so in each mocha process running tests every phase is evaluated
// once per configuration and handed out as a copy after that (offline/plan.ts, reusePhaseEvaluations).
// Loaded lazily: with --parallel, mocha's main process loads this file too but runs no test.
export const mochaHooks = {
  beforeAll(): void {
    (require("../../offline/plan") as typeof import("../../offline/plan")).reusePhaseEvaluations();
  },
};
