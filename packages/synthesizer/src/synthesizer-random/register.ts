import { registerAttention } from '@attention-zoo/attention-core';
import { synthesizerCost, SYNTHESIZER_PAPER } from '../cost.js';
import { RandomSynthesizer } from './layer.js';

registerAttention({
  name: 'synthesizer-random',
  family: 'synthesizer',
  summary: 'Random Synthesizer: input-independent attention logits R (trainable or fixed), shared by the batch.',
  paper: SYNTHESIZER_PAPER,
  layer: RandomSynthesizer,
  complexity: { time: 'O(N²·d)', memory: 'O(N²)' },
  cost: (shape) => synthesizerCost(shape, ['random']),
});
