// Preloaded with `node --require`: prints the process's peak RSS as it exits. A CommonJS preload keeps
// the action's CommonJS entry on Node's CommonJS path, as on a runner; an `--import` preload would
// send it through the ES module loader and add its cost to every figure.
process.on('exit', () => process.stderr.write(`maxrss=${process.resourceUsage().maxRSS}\n`));
