import './runner/zod-jitless';
import { runPost } from './runner/action';
import { exitStep } from './runner/exit-step';

// The post step's entry (action.yml `post`): undoes what an interrupted main step started.
void runPost().then(exitStep);
