import '@tensorflow/tfjs-backend-cpu';
import { LongformerAttention } from '@attention-zoo/sparse-patterns';

// Who attends whom: [heads, tokens, tokens] 0/1, drawn as text.
const layer = new LongformerAttention({ dim: 16, numHeads: 1, radius: 1, globalIndices: [0] });
const [mask] = (await layer.patternMask(8).array()) as number[][][];
console.log(mask!.map((row) => row.map((m) => (m ? '█' : '·')).join('')).join('\n'));
