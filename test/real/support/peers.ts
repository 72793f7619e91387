import * as fs from "fs";
import * as path from "path";
import { PEERS } from "../../../config/versions";

export const REPO = path.resolve(__dirname, "../../..");

/** Where peers/build.sh put the peers: $JOURNEY_PEERS_DIR or <repo>/.peers. */
export const PEERS_DIR = process.env.JOURNEY_PEERS_DIR || path.join(REPO, ".peers");

/** The pinned Pulumi CLI's installation root (`<root>/bin/pulumi`), as JOURNEY_PULUMI_ROOT takes it. */
export function pulumiRoot(): string {
  const root = path.join(PEERS_DIR, `pulumi-${PEERS.pulumiCli}`);
  const stamp = path.join(root, ".built");
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== PEERS.pulumiCli) {
    throw new Error(`the Pulumi CLI ${PEERS.pulumiCli} is not built under ${root}: run peers/build.sh pulumi`);
  }
  return root;
}
