import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface TestPki {
  /** The CA that signed the server certificate: what a client pins. */
  caCertPem: string;
  /** A CA that signed nothing here. */
  otherCaCertPem: string;
  server: { key: string; cert: string };
}

/** `openssl req` arguments for a new unencrypted P-256 key. */
const NEW_EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A throw-away CA and a certificate for 127.0.0.1 it signed, made with openssl (EC keys, 1 day). */
export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kuma-pki-"));
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  try {
    for (const ca of ["ca", "other-ca"]) {
      openssl(
        "req",
        "-x509",
        ...NEW_EC_KEY,
        "-keyout",
        `${ca}.key`,
        "-out",
        `${ca}.pem`,
        "-days",
        "1",
        "-subj",
        `/CN=${ca}`,
      );
    }
    openssl("req", ...NEW_EC_KEY, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    fs.writeFileSync(at("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "1",
      "-extfile",
      "ext.cnf",
    );
    const read = (name: string) => fs.readFileSync(at(name), "utf8");
    return {
      caCertPem: read("ca.pem"),
      otherCaCertPem: read("other-ca.pem"),
      server: { key: read("server.key"), cert: read("server.pem") },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
