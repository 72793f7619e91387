import * as fs from "fs";
import * as path from "path";
import type { Phase } from "../../config/schema";
import type { RecordedResource } from "../../offline/evaluator";
import type { UpdateRecord } from "./engine";

/**
 * Where the offline engine keeps its stacks between commands, so that `journey up crawl --offline`
 * and then `journey up walk --offline` walk one journey. Plain JSON in a local file (mode 0600: it
 * holds the offline program's generated values); gone once every stack is destroyed.
 */

export interface OfflineStackSnapshot {
  /** Config paths the journey set (`migrations[0].weight`), replayed over the stack file on load. */
  configSet: Array<[path: string, value: string | number | boolean]>;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  history: UpdateRecord[];
}

export interface OfflineSnapshot {
  version: 1;
  stacks: Partial<Record<Phase, OfflineStackSnapshot>>;
}

export interface OfflineSession {
  /** Names the store for people, e.g. the file's path. */
  readonly where: string;
  load(): OfflineSnapshot | undefined;
  /** `undefined`: nothing is left to keep. */
  save(snapshot: OfflineSnapshot | undefined): void;
}

/** The default place: `.journey/offline-state.json` in the project (gitignored); `JOURNEY_OFFLINE_STATE` moves it. */
export function offlineStatePath(projectDir: string, env: NodeJS.ProcessEnv): string {
  return env.JOURNEY_OFFLINE_STATE || path.join(projectDir, ".journey", "offline-state.json");
}

export function fileSession(file: string): OfflineSession {
  return {
    where: file,
    load() {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
      let snapshot: OfflineSnapshot;
      try {
        snapshot = JSON.parse(text);
      } catch (err) {
        throw new Error(
          `the offline session state ${file} is not valid JSON (${(err as Error).message}); delete it to start afresh`,
          { cause: err },
        );
      }
      if (snapshot?.version !== 1 || typeof snapshot.stacks !== "object")
        throw new Error(`the offline session state ${file} is not one this journey wrote; delete it to start afresh`);
      return snapshot;
    },
    save(snapshot) {
      if (!snapshot) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(snapshot), { mode: 0o600 });
      fs.renameSync(temporary, file);
    },
  };
}
