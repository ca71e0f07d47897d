// A canvas to draw on with mouse, pen or touch: white strokes on black, like MNIST.
import { h } from './dom.js';

export interface DrawPad {
  el: HTMLElement;
  canvas: HTMLCanvasElement;
  clear(): void;
  /** Whether anything has been drawn since the last clear. */
  isEmpty(): boolean;
  /** The drawing resampled to side×side, grey values in [0, 1] (row-major). */
  pixels(side: number): Float32Array;
  /** Called after each finished stroke. */
  onStroke?: () => void;
}

export function createDrawPad(size = 280, testid = 'draw-pad'): DrawPad {
  const canvas = h('canvas', { width: size, height: size, class: 'pad', 'data-testid': testid });
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let empty = true;
  let last: [number, number] | null = null;
  const pad: DrawPad = {
    el: canvas,
    canvas,
    clear() {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, size, size);
      empty = true;
    },
    isEmpty: () => empty,
    pixels(side) {
      const small = document.createElement('canvas');
      small.width = side;
      small.height = side;
      const sctx = small.getContext('2d', { willReadFrequently: true })!;
      sctx.imageSmoothingEnabled = true;
      sctx.imageSmoothingQuality = 'high';
      sctx.drawImage(canvas, 0, 0, side, side);
      const rgba = sctx.getImageData(0, 0, side, side).data;
      const out = new Float32Array(side * side);
      for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4]! / 255;
      return out;
    },
  };
  pad.clear();
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * size) / r.width, ((e.clientY - r.top) * size) / r.height];
  };
  const line = (a: [number, number], b: [number, number]) => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = size / 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    empty = false;
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    line(last, last);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    line(last, p);
    last = p;
  });
  const end = () => {
    if (!last) return;
    last = null;
    pad.onStroke?.();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return pad;
}
