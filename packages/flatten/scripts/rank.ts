// `pnpm flatten:rank`: the FLatten paper's rank and focus analysis on a DeiT-T-like layer, as a table.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { flattenRankAnalysis, formatRankTable } from '@attention-zoo/flatten';

await tf.setBackend('cpu');
const seed = Number(process.argv.find((a) => a.startsWith('--seed='))?.slice(7) ?? 0);
console.log(formatRankTable(await flattenRankAnalysis({ seed })));
