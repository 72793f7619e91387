import * as assert from "node:assert/strict";
import { ControlPlanePki } from "../../components/controlPlanePki";
import { isSecret, pick, recordComponent, typesAndNames, unknownOutput, unwrapSecret } from "../support/components";

const record = (issue = false) =>
  recordComponent(
    ControlPlanePki,
    () => new ControlPlanePki("pki", { organization: "acme" }),
    (pki) => ({
      caCertPem: pki.caCertPem,
      ...(issue
        ? { issued: pki.issue("cp-tls", { commonName: "cp", ipAddresses: ["10.0.0.10"], dnsNames: ["cp.internal"] }) }
        : {}),
    }),
  );

describe(`${ControlPlanePki.TYPE} alone`, () => {
  it("is a P-384 CA key and a ten-year CA certificate that only signs, renewed a year ahead", async () => {
    const pki = await record();
    assert.deepEqual(pki.component.inputs, { organization: "acme" });
    assert.deepEqual(typesAndNames(pki.children), [
      ["tls:index/selfSignedCert:SelfSignedCert", "pki-ca"],
      ["tls:index/privateKey:PrivateKey", "pki-ca-key"],
    ]);
    const key = pki.resource("pki-ca-key");
    assert.deepEqual(pick(key, "algorithm", "ecdsaCurve"), { algorithm: "ECDSA", ecdsaCurve: "P384" });
    for (const output of ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"])
      assert.ok(key.secretOutputs.includes(output));
    const ca = pki.resource("pki-ca").inputs as Record<string, any>;
    assert.equal(ca.isCaCertificate, true);
    assert.deepEqual(ca.subject, { commonName: "acme mesh control planes CA", organization: "acme" });
    assert.deepEqual([ca.validityPeriodHours, ca.earlyRenewalHours], [10 * 365 * 24, 365 * 24]);
    assert.deepEqual(ca.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
    assert.deepEqual(pki.outputs, { caCertPem: unknownOutput("pki-ca", "certPem") }, "the CA key is never an output");
  });

  it("issues server certificates under itself for the addresses peers dial, the key returned secret", async () => {
    const pki = await record(true);
    assert.deepEqual(
      typesAndNames(pki.children).map(([, name]) => name),
      ["cp-tls-cert", "cp-tls-csr", "cp-tls-key", "pki-ca", "pki-ca-key"],
    );
    assert.deepEqual(pick(pki.resource("cp-tls-key"), "algorithm", "ecdsaCurve"), {
      algorithm: "ECDSA",
      ecdsaCurve: "P256",
    });
    assert.deepEqual(pick(pki.resource("cp-tls-csr"), "subject", "ipAddresses", "dnsNames"), {
      subject: { commonName: "cp" },
      ipAddresses: ["10.0.0.10"],
      dnsNames: ["cp.internal"],
    });
    const cert = pki.resource("cp-tls-cert").inputs as Record<string, any>;
    assert.equal(cert.caCertPem, unknownOutput("pki-ca", "certPem"));
    assert.deepEqual(unwrapSecret(cert.caPrivateKeyPem), unknownOutput("pki-ca-key", "privateKeyPem"));
    assert.ok(isSecret(cert.caPrivateKeyPem), "the CA key travels as a secret");
    assert.deepEqual(cert.allowedUses, ["digital_signature", "key_encipherment", "server_auth"]);
    assert.deepEqual([cert.validityPeriodHours, cert.earlyRenewalHours], [2 * 365 * 24, 60 * 24]);
    const issued = pki.outputs.issued as Record<string, unknown>;
    assert.equal(issued.certPem, unknownOutput("cp-tls-cert", "certPem"));
    assert.ok(isSecret(issued.privateKeyPem));
  });
});
