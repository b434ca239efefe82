import './runner/zod-jitless';
import * as core from './runner/workflow-commands';
import { runMain, runPost } from './runner/action';
import { STATE } from './runner/state';

// One bundle serves both entries of action.yml; the main step leaves a marker in its saved state.
// No top-level await: it would make this an async module, which the bundler wraps (with everything it
// imports) in a function V8 parses a second time when called; at the top level the code is parsed once.
// Both entries report their own failures, so nothing is left to reject here. Once they are done,
// outputs, state and summary are written: exit rather than wait on abandoned requests (a notifier
// that stopped answering would otherwise hold the step open until the runner kills it).
void (core.getState(STATE.isPost) === 'true' ? runPost() : runMain()).then(() => process.exit());
