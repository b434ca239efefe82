import { run } from './post';
import { exitStep } from './runner/exit-step';

// The post step's entry (action.yml `post`): undoes what an interrupted main step started.
void run().then(exitStep);
