// `pnpm flatten:rank [--seed=N]`: the FLatten paper's rank and focus analysis on a DeiT-T-like layer, as a table.
// Ranks need exact float32 read-back and are cheap at N = 196, so the cpu backend is used.
import { releaseBackend, selectBackend } from '@attention-zoo/backends';
import { flattenRankAnalysis, formatRankTable } from '@attention-zoo/flatten';

await selectBackend({ backend: 'cpu' });
const seed = Number(process.argv.find((a) => a.startsWith('--seed='))?.slice(7) ?? 0);
console.log(formatRankTable(await flattenRankAnalysis({ seed })));
releaseBackend();
