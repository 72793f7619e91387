import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fileBackendLockHolders } from "../../automation/engines/fileLocks";

describe("lock holders on a file backend", () => {
  it("names each lock file's holder (the shape CLI 3.248 writes), and nothing for other backends or unlocked stacks", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "locks-"));
    try {
      const dir = path.join(root, ".pulumi/locks/organization/cloud-migration-journey/crawl");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, "32a9d02e.json"),
        JSON.stringify({ pid: 32411, username: "root", hostname: "vm", timestamp: "2026-12-02T06:12:51Z" }),
      );
      assert.deepEqual(fileBackendLockHolders(`file://${root}?no_tmp_dir=true`, "cloud-migration-journey", "crawl"), [
        "root@vm (pid 32411) since 2026-12-02T06:12:51Z",
      ]);
      assert.deepEqual(fileBackendLockHolders(`file://${root}`, "cloud-migration-journey", "walk"), []);
      assert.deepEqual(fileBackendLockHolders("s3://bucket", "cloud-migration-journey", "crawl"), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
