import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createBackbone, evalTransform, preprocessImageNet, topKClasses } from '@attention-zoo/vision-backbones';

// Random weights, so the five labels are arbitrary: load an official checkpoint first for real
// predictions (createBackbone(name, { weights }), see "Pretrained weights" in the README).
const model = createBackbone('pvtv2-b0'); // 224×224 input, 1000 ImageNet classes
const image = tf.randomUniform([300, 400, 3], 0, 256, 'int32') as tf.Tensor3D; // or tf.browser.fromPixels(img)
const x = await preprocessImageNet(image, evalTransform('pvtv2-b0')); // resize to 256, centre-crop 224, normalise
const logits = model.apply(x) as tf.Tensor2D; // [1, 1000]
for (const { index, label, score } of (await topKClasses(logits, 5))[0]!) {
  console.log(`${index} ${label}: ${(100 * score).toFixed(2)}%`);
}
tf.dispose([image, x, logits]);
model.dispose();
