import { z } from 'zod';

// Zod compiles a fast path (generated code, `new Function`) for each object schema the first time it
// parses with it. A run parses its spec and settings once, so the generation and compilation cost
// more start-up time than the fast path ever saves. Schemas read this flag when they are built: import
// this module before any module that builds one.
z.config({ jitless: true });
