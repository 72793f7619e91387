// Preloaded by the bench into one offline plan run: records which files of the @pulumi packages
// the program really loads, so that the baseline loads exactly those and nothing else.
const fs = require("fs");
const Module = require("module");
const loaded = new Set();
const original = Module._load;
Module._load = function (request, parent, isMain) {
  const exports = original.apply(this, arguments);
  try {
    const file = Module._resolveFilename(request, parent, isMain);
    if (/node_modules[\\/]@pulumi[\\/]/.test(file) && file.endsWith(".js")) loaded.add(file);
  } catch {
    // a built-in module or one that resolves nowhere: not a file of ours to record
  }
  return exports;
};
process.on("exit", () => fs.writeFileSync(process.env.RECORD_MODULES_TO, JSON.stringify([...loaded])));
