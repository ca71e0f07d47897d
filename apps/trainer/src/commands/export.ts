/**
 * `pnpm train export <run> --out <dir>`: the trained model in the form the demo
 * app loads —
 * - `model.json` + `weights.bin`: a tfjs layers model (`tf.loadLayersModel('…/model.json')`);
 * - `metadata.json`: see ExportMetadata.
 * The model uses attention-zoo layer classes (`customLayers` lists them); the loader
 * must import the packages that register them first: attention-core (which holds
 * `AttentionZoo>PositionEmbedding` and `AttentionZoo>TokenEmbedding`) and the variant's package.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig, readTaskInfo } from '../run-folder.js';
import { explainingFsErrors, exportFolder, readFolder } from '../fs-errors.js';
import { writeAtomic } from '../train/atomic.js';
import { modelArtifacts } from '../train/checkpoint.js';
import { loadNewestModel } from '../train/resume-point.js';

export interface ExportMetadata {
  format: 'attention-zoo-model';
  version: 1;
  task: string;
  /** Registry name of the attention in every block, and its options. */
  attention: string;
  attentionOptions: Record<string, unknown>;
  /** One example, without the batch dimension: [28, 28, 1] or [tokens]. */
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  /** How raw input becomes model input. */
  preprocessing: string;
  /** Class names; the model outputs logits [batch, classes.length] in this order. */
  classes: string[];
  /** Token strings by id (sequence tasks). */
  vocabulary?: string[];
  causal: boolean;
  /** tf.serialization class names the loader must have registered. */
  customLayers: string[];
  /** The checkpoint exported and its metrics. */
  source: { run: string; checkpoint: string; step: number; testAccuracy?: number };
}

/**
 * Exports the run's newest usable checkpoint to `outDir`. A newer damaged checkpoint is skipped
 * with a line to `warn` (which one and why); file-system errors name the folder (the run's, read,
 * or the export's, written), the cause and the path (fs-errors.ts).
 */
export async function exportRun(runDir: string, outDir: string, warn: (line: string) => void = (l) => console.error(l)): Promise<ExportMetadata> {
  return explainingFsErrors([readFolder(runDir), exportFolder(outDir)], () => exportTo(runDir, outDir, warn));
}

async function exportTo(runDir: string, outDir: string, warn: (line: string) => void): Promise<ExportMetadata> {
  const config = readRunConfig(runDir);
  const info = readTaskInfo(runDir);
  const { name: latest, model, state } = await loadNewestModel(runDir, 'export', 'export', warn);
  const { modelJson, weights } = await modelArtifacts(model);
  const classNames = new Set<string>();
  JSON.stringify(JSON.parse(modelJson), (k, v) => {
    if ((k === 'className' || k === 'class_name') && typeof v === 'string' && v.startsWith('AttentionZoo>')) classNames.add(v);
    return v;
  });
  model.dispose();
  let testAccuracy: number | undefined;
  try {
    testAccuracy = (JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { test: { accuracy: number } }).test.accuracy;
  } catch {
    testAccuracy = undefined; // an unfinished run has no summary
  }
  const meta: ExportMetadata = {
    format: 'attention-zoo-model',
    version: 1,
    task: info.task,
    attention: config.attention,
    attentionOptions: config.attentionOptions,
    inputShape: info.inputShape,
    inputDtype: info.inputDtype,
    preprocessing: info.preprocessing,
    classes: info.classes,
    vocabulary: info.vocabulary,
    causal: info.causal,
    customLayers: [...classNames].sort(),
    source: { run: runDir, checkpoint: latest, step: state.step, testAccuracy },
  };
  mkdirSync(outDir, { recursive: true });
  writeAtomic(join(outDir, 'weights.bin'), weights);
  writeAtomic(join(outDir, 'model.json'), modelJson);
  writeAtomic(join(outDir, 'metadata.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}
