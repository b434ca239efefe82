// Preloaded with `node --require`: prints the process's peak RSS as it exits. A CommonJS preload leaves
// each entry on its own loader, as on a runner (checkout's bundle is CommonJS, ours an ES module); an
// `--import` preload would send a CommonJS entry through the ES module loader and add to its figures.
process.on('exit', () => process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\n`));
