import { strict as assert } from "assert";
import {
  formatDuration,
  lastUndoableShift,
  parseDuration,
  parseSteps,
  parseWeightChange,
  UsageError,
  weightChangeMessage,
} from "../../automation/journey";
import type { UpdateRecord } from "../../automation/journey";

const update = (message: string, result: UpdateRecord["result"] = "succeeded"): UpdateRecord => ({
  kind: "update",
  result,
  message,
});

describe("journey bookkeeping", () => {
  it("weight changes round-trip through run's update messages", () => {
    const change = { kind: "shift", migration: "disputes", from: 25, to: 50 } as const;
    assert.equal(weightChangeMessage(change), "journey shift disputes 25->50");
    assert.deepEqual(parseWeightChange(weightChangeMessage(change)), change);
    assert.equal(parseWeightChange("journey up run"), undefined);
    assert.equal(parseWeightChange(undefined), undefined);
  });

  it("one step back undoes the newest shift not yet undone, newest first history", () => {
    const history = [
      update("journey rollback disputes 100->50"),
      update("journey shift disputes 50->100"),
      update("journey revert disputes 50->25"),
      update("journey shift disputes 25->50"),
      update("journey shift disputes 10->25"),
      update("journey shift disputes 0->10"),
      update("journey up run"),
    ];
    assert.deepEqual(lastUndoableShift(history), { kind: "shift", migration: "disputes", from: 10, to: 25 });
    assert.deepEqual(lastUndoableShift(history.slice(1)), { kind: "shift", migration: "disputes", from: 50, to: 100 });
    assert.equal(lastUndoableShift([update("journey up run")]), undefined);
  });

  it("failed updates and destroys are not shifts to undo", () => {
    assert.deepEqual(
      lastUndoableShift([update("journey shift disputes 10->25", "failed"), update("journey shift disputes 0->10")]),
      {
        kind: "shift",
        migration: "disputes",
        from: 0,
        to: 10,
      },
    );
    assert.equal(
      lastUndoableShift([{ kind: "destroy", result: "succeeded", message: "journey shift disputes 0->10" }]),
      undefined,
    );
  });

  it("steps are whole percentages from 0 to 100", () => {
    assert.deepEqual(parseSteps("10, 25,50,100"), [10, 25, 50, 100]);
    assert.throws(
      () => parseSteps("10,abc"),
      (err: unknown) => err instanceof UsageError && /whole percentages separated by commas/.test(err.message),
    );
    assert.throws(() => parseSteps("10,150"), /from 0 to 100; got 150/);
    assert.throws(() => parseSteps(""), UsageError);
  });

  it("durations read like the config's: 500ms, 30s, 5m, 1h, 1m30s", () => {
    assert.equal(parseDuration("5m"), 300_000);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.throws(() => parseDuration("5 minutes"), /not a duration/);
    assert.equal(formatDuration(300_000), "5m");
    assert.equal(formatDuration(5_400_000), "1h30m");
    assert.equal(formatDuration(42), "42ms");
  });
});
