import { soak } from '../test/metrics/analysis-soak';
const scenario = (process.argv[2] ?? 'unchanged') as any;
const t = Date.now();
const results = await soak(scenario, Number(process.argv[3] ?? 4), 7);
for (const r of results) console.log(r.analysis, r.rolledBack, r.intervalsToRollback?.toFixed(2), r.message.slice(0, 300));
console.log('took', Date.now() - t);
