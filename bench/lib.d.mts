// Types for the helpers in lib.mjs that the TypeScript benches use (the .mjs benches import it untyped).
export const PEAK_RSS_PRELOAD: string;
export function peakRssMb(stderr: string): number;
export function nodesToMeasure(): string[];
export function nodeVersion(node: string): string;
