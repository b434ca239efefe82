import './runner/zod-jitless';
import { runMain } from './runner/action';
import { exitStep } from './runner/exit-step';

// The main step's entry (action.yml `main`); the post step has its own (src/post.ts), so which step
// runs never depends on state a command could write.
// No top-level await: it would make this an async module, which the bundler wraps (with everything it
// imports) in a function V8 parses a second time when called; at the top level the code is parsed once.
// The step reports its own failures, so nothing is left to reject here.
void runMain().then(exitStep);
