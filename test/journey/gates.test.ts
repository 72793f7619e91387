import { strict as assert } from "assert";
import fc from "fast-check";
import {
  Bucket,
  describeResult,
  errorRate,
  histogramQuantile,
  judge,
  WindowStats,
} from "../../automation/journey/gates";

const LE = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, Infinity];

/** Cumulative buckets from per-bucket counts. */
const cumulative = (counts: number[]): Bucket[] => {
  let sum = 0;
  return LE.map((le, i) => ({ le, count: (sum += counts[i] ?? 0) }));
};
const bucketCounts = fc
  .array(fc.nat({ max: 1000 }), { minLength: LE.length, maxLength: LE.length })
  .filter((c) => c.some((n) => n > 0));
const sample = fc
  .record({ requests: fc.integer({ min: 0, max: 100_000 }), errorShare: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ requests, errorShare }) => ({ requests, errors: Math.floor(requests * errorShare) }));
const GATES = { minRequests: 20, minSuccessRate: 99.5, maxP99Ms: 500, maxErrorRateAboveMonolith: 1 };

describe("metric gates: the math", () => {
  describe("histogramQuantile (as Prometheus computes it)", () => {
    it("interpolates within the bucket the rank falls in", () => {
      // 100 requests: 50 under 10 ms, 40 more under 100 ms, 10 more under 500 ms.
      const buckets = [
        { le: 10, count: 50 },
        { le: 100, count: 90 },
        { le: 500, count: 100 },
        { le: Infinity, count: 100 },
      ];
      assert.equal(histogramQuantile(0.5, buckets), 10);
      assert.equal(histogramQuantile(0.99, buckets), 100 + 400 * (9 / 10));
      assert.equal(histogramQuantile(0.7, buckets), 10 + 90 * (20 / 40));
    });

    it("answers the highest finite bound when the rank is in +Inf, and NaN without observations", () => {
      assert.equal(
        histogramQuantile(0.99, [
          { le: 100, count: 1 },
          { le: Infinity, count: 100 },
        ]),
        100,
      );
      assert.ok(
        Number.isNaN(
          histogramQuantile(0.99, [
            { le: 100, count: 0 },
            { le: Infinity, count: 0 },
          ]),
        ),
      );
      assert.ok(Number.isNaN(histogramQuantile(0.99, [])));
    });

    it("property: rises with q, and stays within [0, the highest finite bound]", () => {
      fc.assert(
        fc.property(
          bucketCounts,
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (counts, a, b) => {
            const buckets = cumulative(counts);
            const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
            const [x, y] = [histogramQuantile(lo, buckets), histogramQuantile(hi, buckets)];
            return x <= y + 1e-9 && x >= 0 && y <= 10000;
          },
        ),
      );
    });

    it("property: bucket order in the input does not matter", () => {
      fc.assert(
        fc.property(
          bucketCounts,
          (counts) =>
            histogramQuantile(0.99, cumulative(counts)) === histogramQuantile(0.99, [...cumulative(counts)].reverse()),
        ),
      );
    });
  });

  describe("judge", () => {
    const stats = (
      ms: { requests: number; errors: number },
      monolith = { requests: 1000, errors: 0 },
      latency = cumulative([0, 100]),
    ): WindowStats => ({ microservice: { ...ms, latency }, monolith });

    it("holds below the minimum of requests and says so", () => {
      const d = judge(GATES, stats({ requests: 19, errors: 19 }));
      assert.equal(d.verdict, "hold");
      assert.equal(d.message, "holding: 19 requests reached the microservice, 20 are needed to judge");
    });

    it("fails on 5% of 500s against a 99.5% success rate, naming the gate, the measured value and the threshold", () => {
      const d = judge(GATES, stats({ requests: 1000, errors: 50 }));
      assert.equal(d.verdict, "fail");
      assert.deepEqual(d.deciding, { gate: "success-rate", measured: 95, threshold: 99.5, unit: "%", ok: false });
      assert.equal(d.message, "gate failed: success-rate 95% (threshold >= 99.5%)");
    });

    it("fails a slow microservice on p99 and passes a fast one", () => {
      const slow = judge(GATES, stats({ requests: 100, errors: 0 }, undefined, cumulative([0, 0, 0, 0, 0, 0, 0, 100])));
      assert.equal(slow.verdict, "fail");
      assert.equal(slow.deciding?.gate, "p99-latency");
      assert.match(slow.message, /p99-latency 995ms \(threshold <= 500ms\)/);
      assert.equal(judge(GATES, stats({ requests: 100, errors: 0 })).verdict, "pass");
    });

    it("judges the microservice against the monolith over the same window", () => {
      const gates = { minRequests: 20, maxErrorRateAboveMonolith: 1 };
      assert.equal(
        judge(gates, stats({ requests: 1000, errors: 30 }, { requests: 1000, errors: 25 })).verdict,
        "pass",
        "3% vs 2.5%",
      );
      const d = judge(gates, stats({ requests: 1000, errors: 30 }, { requests: 1000, errors: 10 }));
      assert.equal(d.verdict, "fail");
      assert.equal(describeResult(d.deciding!), "relative-error-rate 2 points (threshold <= 1 points)");
    });

    it("a p99 gate without latency observations yet holds rather than passing blind; another gate's failure still fails", () => {
      const d = judge(GATES, { microservice: { requests: 100, errors: 0 }, monolith: { requests: 0, errors: 0 } });
      assert.equal(d.verdict, "hold");
      assert.equal(d.message, "holding: no data yet for p99-latency");
      assert.equal(
        judge(GATES, { microservice: { requests: 100, errors: 10 }, monolith: { requests: 0, errors: 0 } }).verdict,
        "fail",
      );
    });

    it("property: holds exactly when the microservice has fewer requests than the minimum", () => {
      fc.assert(
        fc.property(
          sample,
          sample,
          fc.integer({ min: 1, max: 1000 }),
          (ms, mono, minRequests) =>
            (judge({ ...GATES, minRequests }, stats(ms, mono)).verdict === "hold") === ms.requests < minRequests,
        ),
      );
    });

    it("property: the success-rate gate fails exactly when more than (100 - min)% of requests failed", () => {
      fc.assert(
        fc.property(sample, fc.double({ min: 50, max: 100, noNaN: true }), (ms, minSuccessRate) => {
          fc.pre(ms.requests >= 1);
          const d = judge({ minRequests: 1, minSuccessRate }, stats(ms));
          return (d.verdict === "fail") === 100 - errorRate(ms) < minSuccessRate;
        }),
      );
    });

    it("property: more errors never turn a failing window into a passing one", () => {
      fc.assert(
        fc.property(sample, sample, fc.nat({ max: 1000 }), (ms, mono, more) => {
          const worse = { requests: ms.requests, errors: Math.min(ms.requests, ms.errors + more) };
          const before = judge(GATES, stats(ms, mono)).verdict;
          const after = judge(GATES, stats(worse, mono)).verdict;
          return !(before === "fail" && after === "pass");
        }),
      );
    });

    it("property: the relative gate depends only on the difference of the error rates", () => {
      fc.assert(
        fc.property(sample, sample, (ms, mono) => {
          fc.pre(ms.requests >= 20);
          const d = judge({ minRequests: 20, maxErrorRateAboveMonolith: 1 }, stats(ms, mono));
          return (d.verdict === "fail") === errorRate(ms) - errorRate(mono) > 1;
        }),
      );
    });
  });
});
