import '@tensorflow/tfjs-backend-cpu'; // or -webgpu, -wasm, @tensorflow/tfjs-node
import { flattenRankAnalysis, formatRankTable } from '@attention-zoo/flatten';

// The paper's Fig. 5 on a small layer (DeiT-T size is the default: 14×14 tokens, 3 heads of 64).
const analysis = await flattenRankAnalysis({ grid: [6, 6], numHeads: 2, headDim: 8 });
console.log(formatRankTable(analysis)); // linear ≤ d; softmax and focused + DWC full rank
