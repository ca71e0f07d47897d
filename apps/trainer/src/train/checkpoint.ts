/**
 * Checkpoints: `<run>/checkpoints/step-NNNNNNNN/` holding
 * - `model.json` + `weights.bin`: the tfjs layers format (tf.loadLayersModel reads it),
 * - `optimizer.json` + `optimizer.bin`: Adam's moments and iteration count, and its
 *   beta powers as it holds them (adam-powers.ts: what makes a resume exact),
 * - `state.json`: step, elapsed wall-clock seconds, samples seen, the unlogged train window,
 *   the layers' dropout seed counts,
 * - `manifest.json`: every file's size and SHA-256, written last.
 *
 * A checkpoint is written into a temporary folder and renamed into place, so a
 * process killed at any moment (kill -9 included) leaves either the whole
 * checkpoint or none of it; old ones are renamed away before they are removed.
 * Loading checks the manifest, so a damaged checkpoint is reported, not trained on;
 * `--resume` then falls back to the one before (resume-point.ts), so `keep` is at least 2.
 * A save that fails (disk full) removes its temporary folder: the older ones stay whole.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readAdamPowers, type AdamPowers } from './adam-powers.js';
import { syncDir, writeDurable } from './atomic.js';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** A failed file-system call (EACCES, EIO…): not the checkpoint's fault, so it is not a CheckpointError (fs-errors.ts words it). */
const isIoError = (err: unknown) => typeof (err as NodeJS.ErrnoException)?.code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';

export interface CheckpointState {
  step: number;
  wallSeconds: number;
  samples: number;
  /**
   * The train metrics of the steps since the last logged one: a checkpoint between two
   * `--log-every` steps must carry them, or the resumed run's next logged mean would
   * average fewer steps than an uninterrupted run's. Absent in older checkpoints.
   */
  trainWindow?: TrainWindowState;
  /** Each seeded layer's dropout seed count (seed-counters.ts). Absent in older checkpoints. */
  seedCounters?: Record<string, number>;
}

export interface TrainWindowState {
  loss: number;
  hits: number;
  n: number;
  /** Labels that counted (per-position tasks); absent in checkpoints written before those tasks. */
  labelled?: number;
  steps: number;
  seconds: number;
}

/** The files every complete checkpoint holds, besides `manifest.json`. */
const FILES = ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json'] as const;

const STEP_RE = /^step-(\d{8})$/;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The model's tfjs layers artifacts: `model.json` text and the weights bytes. */
export async function modelArtifacts(model: tfl.LayersModel): Promise<{ modelJson: string; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts!;
  const weights = new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(a.weightData) ? a.weightData : [a.weightData!]));
  const modelJson = JSON.stringify({
    modelTopology: a.modelTopology,
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  });
  return { modelJson, weights };
}

/** Loads a tfjs layers model from a folder with `model.json` and its weight files. */
export async function loadModelFolder(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const bytes = json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dir, p)))));
  const weightData = tf.io.concatenateArrayBuffers(bytes.map((b) => b.slice().buffer));
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}

export interface LoadedCheckpoint {
  model: tfl.LayersModel;
  optimizerWeights: { name: string; tensor: tf.Tensor }[];
  /** Absent in checkpoints written before they were saved (tfjs's recomputation is then used). */
  adamPowers?: AdamPowers;
  state: CheckpointState;
}

export class Checkpoints {
  readonly dir: string;

  constructor(
    readonly runDir: string,
    private readonly keep = 2,
  ) {
    // One to resume from and one to fall back to when the newest turns out damaged.
    if (!(keep >= 2)) throw new Error(`Checkpoints: keep must be at least 2, got ${keep}`);
    this.dir = join(runDir, 'checkpoints');
  }

  /** Writes a complete checkpoint for `state.step`, then drops all but the newest `keep`. */
  async save(model: tfl.LayersModel, optimizer: tf.Optimizer, state: CheckpointState): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const name = `step-${String(state.step).padStart(8, '0')}`;
    const tmp = join(this.dir, `.tmp-${name}-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    const { modelJson, weights } = await modelArtifacts(model);
    const opt = await optimizer.getWeights();
    const encoded = await tf.io.encodeWeights(opt);
    const optBytes = new Uint8Array(encoded.data as ArrayBuffer);
    const powers: AdamPowers = await readAdamPowers(optimizer);
    const files: Record<(typeof FILES)[number], Uint8Array> = {
      'model.json': new TextEncoder().encode(modelJson),
      'weights.bin': weights,
      'optimizer.json': new TextEncoder().encode(JSON.stringify({ className: optimizer.getClassName(), specs: encoded.specs, powers })),
      'optimizer.bin': optBytes,
      'state.json': new TextEncoder().encode(JSON.stringify(state)),
    };
    try {
      mkdirSync(tmp);
      for (const [f, bytes] of Object.entries(files)) writeDurable(join(tmp, f), bytes);
      const manifest = Object.fromEntries(Object.entries(files).map(([f, b]) => [f, { bytes: b.length, sha256: sha256(b) }]));
      writeDurable(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
      syncDir(tmp);
    } catch (err) {
      // Disk full or read-only: leave no half-written folder behind (the older checkpoints are untouched).
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    const final = join(this.dir, name);
    if (existsSync(final)) this.remove(name);
    renameSync(tmp, final);
    syncDir(this.dir);
    for (const old of this.complete().slice(0, -this.keep)) this.remove(old);
    return final;
  }

  /**
   * Moves a damaged checkpoint out of the step-NNNNNNNN names (to `damaged-step-…`), so it is
   * neither resumed from nor counted among the kept ones, yet stays there to be looked at.
   * Returns the new path.
   */
  setAside(name: string): string {
    const to = join(this.dir, `damaged-${name}`);
    rmSync(to, { recursive: true, force: true });
    renameSync(join(this.dir, name), to);
    syncDir(this.dir);
    return to;
  }

  private remove(name: string): void {
    const trash = join(this.dir, `.trash-${name}-${process.pid}`);
    renameSync(join(this.dir, name), trash);
    rmSync(trash, { recursive: true, force: true });
  }

  /** Names of complete checkpoints (renamed into place), oldest first. */
  complete(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => STEP_RE.test(f) && statSync(join(this.dir, f)).isDirectory()).sort();
  }

  /** Removes what an interrupted save or removal left behind. */
  cleanLeftovers(): string[] {
    if (!existsSync(this.dir)) return [];
    const left = readdirSync(this.dir).filter((f) => f.startsWith('.tmp-') || f.startsWith('.trash-'));
    for (const f of left) rmSync(join(this.dir, f), { recursive: true, force: true });
    return left;
  }

  latest(): string | undefined {
    return this.complete().at(-1);
  }

  /** Checks every file of a checkpoint against its manifest; throws CheckpointError naming the problem. */
  verify(name: string): void {
    const dir = join(this.dir, name);
    const mpath = join(dir, 'manifest.json');
    if (!existsSync(mpath)) throw new CheckpointError(`checkpoint ${dir} has no manifest.json; it is not a complete checkpoint`);
    let manifest: Record<string, { bytes: number; sha256: string }>;
    try {
      manifest = JSON.parse(readFileSync(mpath, 'utf8'));
    } catch (err) {
      if (isIoError(err)) throw err;
      throw new CheckpointError(`checkpoint ${dir}: manifest.json is not valid JSON (${(err as Error).message})`);
    }
    for (const f of FILES) if (!manifest[f]) throw new CheckpointError(`checkpoint ${dir}: manifest.json does not list ${f}`);
    for (const [f, want] of Object.entries(manifest)) {
      const p = join(dir, f);
      if (!existsSync(p)) throw new CheckpointError(`checkpoint ${dir}: ${f} is missing`);
      const b = new Uint8Array(readFileSync(p));
      if (b.length !== want.bytes) throw new CheckpointError(`checkpoint ${dir}: ${f} has ${b.length} bytes, the manifest says ${want.bytes} (truncated or overwritten)`);
      if (sha256(b) !== want.sha256) throw new CheckpointError(`checkpoint ${dir}: ${f} is corrupt (SHA-256 differs from the manifest)`);
    }
  }

  /** Loads a verified checkpoint: the model, Adam's state into `optimizer` (after the model exists), and the run state. */
  async load(name: string): Promise<LoadedCheckpoint> {
    this.verify(name);
    const dir = join(this.dir, name);
    // The manifest matched, so these parse unless they were written wrong: still a damaged checkpoint, not a crash.
    const json = <T>(f: string): T => {
      try {
        return JSON.parse(readFileSync(join(dir, f), 'utf8')) as T;
      } catch (err) {
        if (isIoError(err)) throw err;
        throw new CheckpointError(`checkpoint ${dir}: ${f} is not valid JSON (${(err as Error).message})`);
      }
    };
    const { specs, powers } = json<{ specs: tf.io.WeightsManifestEntry[]; powers?: AdamPowers }>('optimizer.json');
    const state = json<CheckpointState>('state.json');
    let model: tfl.LayersModel;
    try {
      model = await loadModelFolder(dir);
    } catch (err) {
      if (isIoError(err)) throw err;
      throw new CheckpointError(`checkpoint ${dir}: the model does not load: ${(err as Error).message}`);
    }
    const bin = new Uint8Array(readFileSync(join(dir, 'optimizer.bin')));
    let named: tf.NamedTensorMap;
    try {
      named = tf.io.decodeWeights(bin.slice().buffer, specs);
    } catch (err) {
      model.dispose();
      throw new CheckpointError(`checkpoint ${dir}: optimizer.bin does not match optimizer.json: ${(err as Error).message}`);
    }
    const optimizerWeights = specs.map((s) => ({ name: s.name, tensor: named[s.name]! }));
    return { model, optimizerWeights, adamPowers: powers, state };
  }
}
