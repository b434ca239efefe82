// Types for `yaml` while the bundle takes its ES module build (see tsconfig.json "paths").
export * from '../node_modules/yaml/dist/index';
