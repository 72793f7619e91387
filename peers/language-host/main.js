#!/usr/bin/env node
"use strict";
/**
 * A Node.js language host for the Pulumi CLI: the `pulumi-language-nodejs` plugin, for machines where
 * the real one (Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) cannot be
 * had. It speaks the same gRPC protocol (pulumirpc.LanguageRuntime, from @pulumi/pulumi's own protos)
 * and runs a program exactly as the real host's Run does: `node [nodeargs] @pulumi/pulumi/cmd/run
 * --monitor … --engine … --project … --stack … --pwd … [--dry-run] --parallel N <entry>` with the
 * config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS and PULUMI_NODEJS_TYPESCRIPT/_TSCONFIG_PATH.
 * So the engine, the SDK's runner and the program are the real ones; only this launcher is ours.
 *
 * What it leaves out: the monitor proxy and the synchronous-invoke pipes (the SDK connects to the
 * engine's monitor directly; synchronous invokes are unsupported), debugging, bun, and code generation.
 */
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const path = require("path");

const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd(), __dirname] }));
const fromSdk = (request) => require(require.resolve(request, { paths: [sdkDir] }));
const grpc = fromSdk("@grpc/grpc-js");
const languageRpc = require(path.join(sdkDir, "proto", "language_grpc_pb.js"));
const languageProto = require(path.join(sdkDir, "proto", "language_pb.js"));
const pluginProto = require(path.join(sdkDir, "proto", "plugin_pb.js"));
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb");

const RUN_MODULE = "@pulumi/pulumi/cmd/run";
/** The SDK's exit code for "the user was already shown an actionable message". */
const EXIT_BAILED = 32;
const VERSION = require(path.join(sdkDir, "package.json")).version;

let engineAddress =
  process.argv
    .slice(2)
    .filter((arg) => !arg.startsWith("-"))
    .pop() ?? "";
const running = new Set();

function unimplemented(name) {
  return (_call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `method ${name} not implemented` });
}

function parseOptions(info) {
  const options = info?.getOptions()?.toJavaScript() ?? {};
  const typed = (key, type) => {
    if (options[key] !== undefined && typeof options[key] !== type) throw new Error(`${key} option must be a ${type}`);
    return options[key];
  };
  return {
    typescript: typed("typescript", "boolean") ?? true,
    tsconfig: typed("tsconfig", "string"),
    nodeargs: typed("nodeargs", "string") ?? "",
  };
}

/** Pulumi plugins the program depends on: every node_modules package.json with `pulumi.resource: true`. */
function requiredPackages(dir, inNodeModules = false, seen = new Set()) {
  let real;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return [];
  }
  if (seen.has(real)) return [];
  seen.add(real);
  const found = [];
  for (const entry of fs.readdirSync(real, { withFileTypes: true })) {
    const full = path.join(real, entry.name);
    const isDir =
      entry.isDirectory() || (entry.isSymbolicLink() && fs.statSync(full, { throwIfNoEntry: false })?.isDirectory());
    if (isDir) {
      if (fs.existsSync(path.join(full, "PulumiPolicy.yaml"))) continue;
      found.push(...requiredPackages(full, inNodeModules || path.basename(real) === "node_modules", seen));
    } else if (inNodeModules && entry.name === "package.json") {
      const info = JSON.parse(fs.readFileSync(full, "utf8"));
      if (!info.pulumi?.resource) continue;
      const name =
        info.pulumi.name || (info.name?.startsWith("@pulumi/") ? info.name.slice("@pulumi/".length) : undefined);
      if (!name) continue;
      const version = info.pulumi.version || info.version;
      const dependency = new pluginProto.PackageDependency();
      dependency.setName(name);
      dependency.setKind("resource");
      dependency.setVersion(version.startsWith("v") ? version : `v${version}`);
      dependency.setServer(info.pulumi.server ?? "");
      found.push(dependency);
    }
  }
  return found;
}

/** `ns:key` becomes `ns:config:key`, the form every @pulumi/pulumi version reads. */
function legacyConfig(configMap) {
  const config = {};
  for (const [key, value] of configMap.entries()) {
    const at = key.indexOf(":");
    config[at < 0 ? key : `${key.slice(0, at)}:config:${key.slice(at + 1)}`] = value;
  }
  return config;
}

function splitArgs(text) {
  return (text.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((arg) => arg.replace(/^(["'])(.*)\1$/, "$2"));
}

function runArguments(request, runPath) {
  const info = request.getInfo();
  const args = [runPath];
  const add = (flag, value) => {
    if (value !== undefined && value !== "") args.push(`--${flag}`, String(value));
  };
  add("monitor", request.getMonitorAddress());
  add("engine", engineAddress);
  add("organization", request.getOrganization());
  add("project", request.getProject());
  add("root-directory", info.getRootDirectory());
  add("stack", request.getStack());
  add("pwd", info.getProgramDirectory());
  if (request.getDryrun()) args.push("--dry-run");
  add("parallel", request.getParallel());
  args.push(info.getEntryPoint() || ".", ...request.getArgsList());
  return args;
}

function run(call, callback) {
  const request = call.request;
  const respond = (error, bail = false) => {
    const response = new languageProto.RunResponse();
    response.setError(error);
    response.setBail(bail);
    callback(null, response);
  };
  let options;
  let runPath;
  try {
    options = parseOptions(request.getInfo());
    runPath = require.resolve(RUN_MODULE, { paths: [request.getInfo().getProgramDirectory()] });
  } catch (err) {
    return respond(err.message);
  }
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(legacyConfig(request.getConfigMap())),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList()),
  };
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  const child = spawn(process.execPath, [...splitArgs(options.nodeargs), ...runArguments(request, runPath)], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  running.add(child);
  child.on("error", (err) => respond(`Problem executing program (could not run language executor): ${err.message}`));
  child.on("exit", (code, signal) => {
    running.delete(child);
    if (code === 0) return respond("");
    if (code === EXIT_BAILED) return respond("", true);
    respond(code === null ? `Program exited on signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
  });
}

function stopPrograms() {
  for (const child of running) child.kill("SIGINT");
}

/** Exits when the engine is gone, as the real host's health check does, so no host outlives its CLI. */
function watchEngine() {
  if (!engineAddress) return;
  const [host, port] = [
    engineAddress.slice(0, engineAddress.lastIndexOf(":")),
    Number(engineAddress.slice(engineAddress.lastIndexOf(":") + 1)),
  ];
  const timer = setInterval(() => {
    const socket = net.connect({ host: host || "127.0.0.1", port }, () => socket.end());
    socket.on("error", () => {
      stopPrograms();
      process.exit(1);
    });
  }, 1000);
  timer.unref();
}

const handlers = {
  handshake(call, callback) {
    engineAddress = call.request.getEngineAddress() || engineAddress;
    watchEngine();
    callback(null, new languageProto.LanguageHandshakeResponse());
  },
  getRequiredPlugins: unimplemented("GetRequiredPlugins"),
  getRequiredPackages(call, callback) {
    const response = new languageProto.GetRequiredPackagesResponse();
    try {
      response.setPackagesList(requiredPackages(call.request.getInfo().getProgramDirectory()));
    } catch (err) {
      process.stderr.write(`one or more errors while discovering plugins: ${err.message}\n`);
    }
    callback(null, response);
  },
  run,
  getPluginInfo(_call, callback) {
    const info = new pluginProto.PluginInfo();
    info.setVersion(VERSION);
    callback(null, info);
  },
  installDependencies(call) {
    call.end();
  },
  runtimeOptionsPrompts(_call, callback) {
    callback(null, new languageProto.RuntimeOptionsResponse());
  },
  about(_call, callback) {
    const response = new languageProto.AboutResponse();
    response.setExecutable(process.execPath);
    response.setVersion(process.version);
    callback(null, response);
  },
  getProgramDependencies(_call, callback) {
    callback(null, new languageProto.GetProgramDependenciesResponse());
  },
  cancel(_call, callback) {
    stopPrograms();
    callback(null, new Empty());
  },
};
for (const name of ["template", "runPlugin", "generateProgram", "generateProject", "generatePackage", "pack", "link"]) {
  handlers[name] = unimplemented(name[0].toUpperCase() + name.slice(1));
}

if (process.argv.includes("--version") || process.argv.includes("-version")) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
server.addService(languageRpc.LanguageRuntimeService, handlers);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`could not start language host RPC server: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
  if (engineAddress) watchEngine();
});
process.on("SIGINT", stopPrograms);
