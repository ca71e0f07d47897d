import type * as tf from '@tensorflow/tfjs-core';
import type { FixtureCase } from '@attention-zoo/attention-core';
import type { HostTensor } from '@attention-zoo/attention-core/weights';

/** A layer or block of this package that loads an official `state_dict`. */
interface OfficialModule {
  apply(x: tf.Tensor): unknown;
  loadTorchStateDict(stateDict: Map<string, HostTensor>): unknown;
  dispose(): unknown;
}

/** Runs a module case: loads the case's official `state_dict` into `module`, applies it to `input`, frees it. */
export function runOfficialModule(module: OfficialModule, f: FixtureCase): tf.Tensor {
  try {
    module.loadTorchStateDict(f.stateDict());
    return module.apply(f.tensor('input')) as tf.Tensor;
  } finally {
    module.dispose();
  }
}

/** The constructor options the official modules of the fixture cases share (snake_case in the case's config). */
export function officialOptions(f: FixtureCase): { dim: number; numHeads: number; qkvBias: boolean; focusingFactor: number; kernelSize: number } {
  const c = f.config;
  return {
    dim: c['dim'] as number,
    numHeads: c['num_heads'] as number,
    qkvBias: c['qkv_bias'] === true,
    focusingFactor: c['focusing_factor'] as number,
    kernelSize: c['kernel_size'] as number,
  };
}
