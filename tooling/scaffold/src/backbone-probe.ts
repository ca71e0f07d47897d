// tsx --conditions=@attention-zoo/source tooling/scaffold/src/backbone-probe.ts <attention>
// Builds vision-backbones' DeiT with a registered attention in every block and classifies one
// image on the cpu backend: the e2e walk-through's proof that a new variant joins the backbones
// through the registry, with no change to vision-backbones.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@attention-zoo/variants'; // every published package: the new variant's registration runs
import { createBackbone } from '@attention-zoo/vision-backbones';

async function main(attention: string | undefined): Promise<number> {
  if (!attention) {
    console.error('usage: backbone-probe.ts <registered attention>');
    return 2;
  }
  await tf.setBackend('cpu');
  // DeiT-T's blocks (dim 192, 3 heads, 12 blocks) on a 32×32 image: 2×2 patches of 16 plus the class token.
  const model = createBackbone('deit-t', { attention, numClasses: 10, imageSize: 32, seed: 0 });
  const logits = model.apply(tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 1)) as tf.Tensor;
  const values = await logits.data();
  if (logits.shape.join() !== '1,10' || !values.every(Number.isFinite)) throw new Error(`deit-t with '${attention}': logits ${JSON.stringify(logits.shape)}, finite: ${values.every(Number.isFinite)}`);
  console.log(`deit-t with '${attention}' in every block: logits [${logits.shape.join(', ')}]`);
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`backbone-probe: ${(err as Error).message}`);
    process.exit(1);
  },
);
