import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface ServerCertificate {
  certPem: pulumi.Output<string>;
  /** Secret. */
  privateKeyPem: pulumi.Output<string>;
}

/**
 * The private CA of the mesh control planes. The global CP's API and KDS certificates and the zone
 * CP's certificate are issued by it, so zone CPs, sidecars and this program verify every control
 * plane they talk to (the tutorial skipped verification).
 */
export class ControlPlanePki extends pulumi.ComponentResource {
  static readonly TYPE = "journey:mesh:ControlPlanePki";
  public readonly caCertPem: pulumi.Output<string>;
  private readonly caKeyPem: pulumi.Output<string>;

  constructor(name: string, args: { organization: string }, opts?: pulumi.ComponentResourceOptions) {
    super(ControlPlanePki.TYPE, name, { organization: args.organization }, opts);
    const key = new tls.PrivateKey(
      `${name}-ca-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P384" },
      { parent: this, additionalSecretOutputs: SECRET_KEY_OUTPUTS },
    );
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: key.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: `${args.organization} mesh control planes CA`, organization: args.organization },
        validityPeriodHours: 10 * 365 * 24,
        earlyRenewalHours: 365 * 24,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      { parent: this },
    );
    this.caCertPem = ca.certPem;
    this.caKeyPem = key.privateKeyPem;
    this.registerOutputs({ caCertPem: this.caCertPem });
  }

  /** A server certificate for a control plane, valid for the addresses peers dial. */
  issue(
    name: string,
    subject: {
      commonName: string;
      ipAddresses?: pulumi.Input<pulumi.Input<string>[]>;
      dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
    },
  ): ServerCertificate {
    const key = new tls.PrivateKey(
      `${name}-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      { parent: this, additionalSecretOutputs: SECRET_KEY_OUTPUTS },
    );
    const request = new tls.CertRequest(
      `${name}-csr`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: subject.commonName },
        ipAddresses: subject.ipAddresses,
        dnsNames: subject.dnsNames,
      },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${name}-cert`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: this.caKeyPem,
        caCertPem: this.caCertPem,
        validityPeriodHours: 2 * 365 * 24,
        earlyRenewalHours: 60 * 24,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      { parent: this },
    );
    return { certPem: cert.certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
  }
}

const SECRET_KEY_OUTPUTS = ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"];
