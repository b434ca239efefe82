import * as core from './runner/workflow-commands';
import { runMain, runPost } from './runner/action';
import { STATE } from './runner/state';

// One bundle serves both entries of action.yml; the main step leaves a marker in its saved state.
await (core.getState(STATE.isPost) === 'true' ? runPost() : runMain());
