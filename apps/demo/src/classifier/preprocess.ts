// MNIST-style preprocessing of a drawing (LeCun et al.: the digit's bounding box
// scaled to fit 20×20, then placed in 28×28 with its centre of mass at the centre).

export interface Image {
  width: number;
  height: number;
  /** Row-major grey values in [0, 1]. */
  data: Float32Array;
}

/** Bilinear resampling to `w`×`h` (pixel centres aligned). */
export function resize(img: Image, w: number, h: number): Image {
  const out = new Float32Array(w * h);
  const sx = img.width / w;
  const sy = img.height / h;
  // Box-average when shrinking a lot (strokes would alias otherwise), bilinear otherwise.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const x0 = x * sx;
      const y0 = y * sy;
      if (sx > 1 || sy > 1) {
        let s = 0;
        let n = 0;
        for (let yy = Math.floor(y0); yy < Math.min(img.height, Math.ceil(y0 + sy)); yy++) {
          for (let xx = Math.floor(x0); xx < Math.min(img.width, Math.ceil(x0 + sx)); xx++) {
            s += img.data[yy * img.width + xx]!;
            n++;
          }
        }
        out[y * w + x] = n ? s / n : 0;
      } else {
        const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
        const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
        const ix = Math.floor(fx);
        const iy = Math.floor(fy);
        const ax = fx - ix;
        const ay = fy - iy;
        const at = (xx: number, yy: number) => img.data[Math.min(img.height - 1, yy) * img.width + Math.min(img.width - 1, xx)]!;
        out[y * w + x] = (1 - ay) * ((1 - ax) * at(ix, iy) + ax * at(ix + 1, iy)) + ay * ((1 - ax) * at(ix, iy + 1) + ax * at(ix + 1, iy + 1));
      }
    }
  }
  return { width: w, height: h, data: out };
}

/** The drawing as an MNIST digit `side`×`side` (default 28, digit box 20): null when nothing is drawn. */
export function mnistStyle(img: Image, side = 28, box = Math.round((side * 20) / 28)): Image | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! > 0.05) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const crop = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) crop[y * cw + x] = img.data[(y0 + y) * img.width + x0 + x]!;
  const scale = box / Math.max(cw, ch);
  const w = Math.max(1, Math.round(cw * scale));
  const h = Math.max(1, Math.round(ch * scale));
  const small = resize({ width: cw, height: ch, data: crop }, w, h);
  // Centre of mass of the scaled digit.
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = small.data[y * w + x]!;
    m += v;
    mx += v * (x + 0.5);
    my += v * (y + 0.5);
  }
  const ox = Math.round(side / 2 - (m ? mx / m : w / 2));
  const oy = Math.round(side / 2 - (m ? my / m : h / 2));
  const out = new Float32Array(side * side);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const X = x + Math.min(side - w, Math.max(0, ox));
    const Y = y + Math.min(side - h, Math.max(0, oy));
    out[Y * side + X] = Math.min(1, small.data[y * w + x]!);
  }
  return { width: side, height: side, data: out };
}
