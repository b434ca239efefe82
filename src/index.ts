import { run } from './main';
import { exitStep } from './runner/exit-step';

// The main step's entry (action.yml `main`); the post step has its own (src/post-entry.ts), so which
// step runs never depends on state a command could write. run() reports its own failures, so nothing
// is left to reject here.
void run().then(exitStep);
