import { strict as assert } from "assert";
import * as path from "path";
import { phaseArtifacts } from "../automation/planReport";
import { evaluateJourney } from "./support/journey";
import { cloudInitFindings, itWithTool, systemdFindings } from "./support/validators";
import type { Artifact } from "../automation/planReport";

/** What lands on hosts across the whole journey, checked by the real validators. */
describe("host artefacts of the whole journey", () => {
  let artifacts: Array<Artifact & { phase: string }>;
  before(async () => {
    const phases = await evaluateJourney("walk");
    artifacts = Object.values(phases).flatMap((p) =>
      phaseArtifacts(p.resources).map((a) => ({ ...a, phase: p.phase })),
    );
  });

  itWithTool("systemd-analyze")("every systemd unit passes systemd-analyze verify", () => {
    const units = artifacts.filter((a) => a.path.endsWith(".service"));
    assert.ok(units.length >= 9, `${units.length} units`);
    for (const unit of units)
      assert.deepEqual(systemdFindings(path.basename(unit.path), unit.content), [], `${unit.phase}/${unit.path}`);
  });

  itWithTool("cloud-init")("every host's user-data passes cloud-init schema", () => {
    const userData = artifacts.filter((a) => a.path.endsWith("cloud-init.yaml"));
    assert.ok(userData.length >= 4, `${userData.length} user-data documents`);
    for (const doc of userData) assert.deepEqual(cloudInitFindings(doc.content), [], `${doc.phase}/${doc.path}`);
  });
});
