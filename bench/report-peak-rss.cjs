// Preloaded with `node --require`: prints the process's peak RSS and CPU time (on a busy machine it
// varies far less than wall time) as it exits. A CommonJS preload leaves each entry on its own loader,
// as on a runner (checkout's bundle is CommonJS, ours an ES module); an `--import` preload would send
// a CommonJS entry through the ES module loader and add to its figures.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`maxrss=${usage.maxRSS} cpu_us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
