import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EtaClock, formatTick, Progress, type ProgressTick } from '../src/index.js';

const tick = (step: number, etaSeconds: number): ProgressTick => ({ step, totalSteps: 100, epoch: 0, epochs: 1, loss: 0.5, accuracy: 0.75, samplesPerSec: 64, etaSeconds });

describe('progress', () => {
  it("the ETA leaves out this process's first step (kernel building), so it does not start at hours", () => {
    let now = 0;
    const clock = new EtaClock(() => now);
    now = 300; // the first step: 300 s of kernel building
    expect(clock.eta(1, 100)).toBeNaN();
    now = 301; // then 1 s per step
    expect(clock.eta(2, 100)).toBeCloseTo(98);
    now = 311;
    expect(clock.eta(12, 100)).toBeCloseTo(88);
    expect(formatTick(tick(12, 88))).toBe('epoch 1/1 step 12/100  loss 0.5000  acc 75.0%  64 samples/s  ETA 1m28s');
    expect(formatTick(tick(1, NaN))).toMatch(/ETA \?$/);
  });

  it('bar mode draws with cli-progress on its stream and clears the bar before other text', async () => {
    let drawn = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _enc, done) {
          drawn += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 120 },
    );
    const printed: string[] = [];
    const p = new Progress('bar', (s) => printed.push(s), 10, stream);
    p.tick(tick(1, NaN));
    p.tick(tick(50, 42));
    await new Promise((r) => setTimeout(r, 250)); // cli-progress redraws on its own timer
    expect(drawn).toContain('epoch 1/1 ████████████░░░░░░░░░░░░ 50/100  loss 0.5000  acc 75.0%  64 samples/s  ETA 42s');
    p.info('  validation @ step 50: …');
    expect(printed).toEqual(['  validation @ step 50: …\n']);
    expect(drawn.endsWith('\x1b[2K') || /\x1b\[\d*K$/.test(drawn) || drawn.endsWith('\r')).toBe(true); // the bar's line cleared
  });
});
