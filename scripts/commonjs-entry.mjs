// Rewrites the action bundle (an ES module, as ncc emits for this package) as a CommonJS script.
// Node starts a CommonJS entry about 4 ms sooner, without its ES module loader: a tenth of the
// cold-start budget. The bundle is ESM only in its first line and in `import.meta.url`, so the rewrite
// is mechanical; whatever else ESM might remain is a syntax error in a script, which fails the build
// here rather than the action on a runner.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const file = process.argv[2];
const text = readFileSync(file, 'utf8');
const header = /^import\{createRequire as (\w+)\}from"module";/.exec(text);
const META_URL = '__bundleUrl';
if (!header || text.includes(META_URL)) throw new Error(`${file}: not the bundle shape this rewrite expects`);

const body = text.slice(header[0].length).replaceAll('import.meta.url', META_URL);
const script = [
  '"use strict";', // as the module was
  `const ${META_URL}=require("node:url").pathToFileURL(__filename).href;`,
  `const ${header[1]}=require("node:module").createRequire;`,
  body,
].join('\n');
new Script(`(function (exports, require, module, __filename, __dirname) {${script}\n})`, { filename: file });

writeFileSync(file, script);
writeFileSync(join(dirname(file), 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
