import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createBackbone } from '@attention-zoo/vision-backbones';

// A timm PVTv2 checkpoint written by torch.save (a tiny one: the package's test fixture
// test/fixtures/checkpoints/pvtv2-timm.pth in the repository). For the real model:
// createBackbone('pvtv2-b0', { weights: 'pvt_v2_b0.pth' }) — the PVT release (official names) or
// timm's model.safetensors from the Hugging Face hub (timm names) load the same way.
const file = 'pvtv2-timm.pth';
const tiny = { imageSize: 64, depths: [1, 2, 1, 1], embedDims: [8, 16, 16, 24], numHeads: [1, 2, 2, 3], mlpRatios: [2, 2, 2, 2], numClasses: 3 };

const model = createBackbone('pvtv2-b0', { ...tiny, weights: file });
const { naming, loaded, resized, unused } = model.loadReport!;
console.log(naming, loaded.length, resized, unused); // timm 122 [] []
const images = tf.randomUniform([1, 64, 64, 3]) as tf.Tensor4D;
const logits = model.apply(images) as tf.Tensor; // PyTorch's logits for these weights
console.log(logits.shape); // [1, 3]

// The same checkpoint as a feature pyramid for detection / segmentation (timm's features_only): no head,
// the classifier's keys are reported unused; one NHWC map per stage (strides 4, 8, 16, 32).
const pyramid = createBackbone('pvtv2-b0', { ...tiny, weights: file, features: true });
const maps = pyramid.apply(images) as tf.Tensor[];
console.log(maps.map((m) => m.shape), pyramid.loadReport!.unused); // [[1,16,16,8], [1,8,8,16], [1,4,4,16], [1,2,2,24]] ['head.weight', 'head.bias']

tf.dispose([images, logits, ...maps]);
model.dispose();
pyramid.dispose();
