import { formatChoice, isBackendName, selectBackend } from '@attention-zoo/backends';

export class BackendArgError extends Error {
  override name = 'BackendArgError';
}

/**
 * Activates the backend for training and returns the run-header lines saying
 * which one and why. `auto` walks the project order (tensorflow-gpu → tensorflow
 * → webgpu → wasm → cpu), with one exception for training: a *software* WebGPU
 * adapter (SwiftShader, on machines without a GPU) trains tens of times slower
 * than wasm, so auto then takes wasm (or cpu) and says so. `--backend webgpu` still forces it.
 */
export async function chooseBackend(requested: string): Promise<{ name: string; header: string[] }> {
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new BackendArgError(`unknown backend '${requested}'; use auto, tensorflow-gpu, tensorflow, webgpu, wasm or cpu`);
  }
  const choice = await selectBackend({ backend: requested as never });
  const picked = choice.probes.find((p) => p.name === choice.name);
  if (requested === 'auto' && choice.name === 'webgpu' && /software/.test(picked?.detail ?? '')) {
    const cpuSide = await selectBackend({ order: ['wasm', 'cpu'] });
    const probes = [...choice.probes.filter((p) => p.available !== null), ...cpuSide.probes];
    const merged = { ...cpuSide, probes, reason: `first available of ${choice.reason.replace('first available of ', '')}, skipping webgpu: its adapter is a software rasteriser, far slower than wasm for training (--backend webgpu forces it)` };
    return { name: cpuSide.name, header: formatChoice(merged).split('\n') };
  }
  return { name: choice.name, header: formatChoice(choice).split('\n') };
}
