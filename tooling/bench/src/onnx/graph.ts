import { DataType, encodeModel, type AttributeValue, type NodeSpec, type TensorSpec, type ValueInfoSpec } from './proto.js';

/** Opset of the bench's graphs: ReduceSum takes axes as an input (≥ 13), ReduceMax as an attribute (< 18). */
export const OPSET = 17;

/**
 * A small ONNX graph builder: every op returns the name of its (single) output,
 * so graphs read like the tfjs code they mirror.
 */
export class OnnxGraph {
  private nodes: NodeSpec[] = [];
  private inits: TensorSpec[] = [];
  private ins: ValueInfoSpec[] = [];
  private outs: ValueInfoSpec[] = [];
  private count = 0;

  constructor(readonly name: string) {}

  private fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  input(name: string, dims: number[]): string {
    this.ins.push({ name, dims });
    return name;
  }

  output(value: string, dims: number[]): void {
    this.outs.push({ name: value, dims });
  }

  /** A float32 initializer. */
  floats(values: Float32Array, dims: number[], hint = 'w'): string {
    const name = this.fresh(hint);
    this.inits.push({ name, dims, dataType: DataType.FLOAT, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  /** A float32 scalar constant. */
  scalar(v: number): string {
    return this.floats(Float32Array.of(v), [], 'c');
  }

  /** A 1-D int64 constant (shapes, axes, pads, slice bounds). */
  ints(values: readonly number[]): string {
    const raw = new Uint8Array(8 * values.length);
    const dv = new DataView(raw.buffer);
    values.forEach((v, i) => dv.setBigInt64(8 * i, BigInt(v), true));
    const name = this.fresh('i');
    this.inits.push({ name, dims: [values.length], dataType: DataType.INT64, raw });
    return name;
  }

  op(type: string, inputs: string[], attributes?: Record<string, AttributeValue>): string {
    const out = this.fresh(type.toLowerCase());
    this.nodes.push({ op: type, inputs, outputs: [out], name: out, attributes });
    return out;
  }

  // ---- the ops the layers use, named as ONNX names them -------------------------

  add = (a: string, b: string) => this.op('Add', [a, b]);
  sub = (a: string, b: string) => this.op('Sub', [a, b]);
  mul = (a: string, b: string) => this.op('Mul', [a, b]);
  div = (a: string, b: string) => this.op('Div', [a, b]);
  matMul = (a: string, b: string) => this.op('MatMul', [a, b]);
  reshape = (x: string, shape: number[]) => this.op('Reshape', [x, this.ints(shape)]);
  transpose = (x: string, perm: number[]) => this.op('Transpose', [x], { perm });
  reduceSum = (x: string, axes: number[]) => this.op('ReduceSum', [x, this.ints(axes)], { keepdims: 1 });
  reduceMax = (x: string, axes: number[]) => this.op('ReduceMax', [x], { axes, keepdims: 1 });

  encode(): Uint8Array {
    return encodeModel({ nodes: this.nodes, initializers: this.inits, inputs: this.ins, outputs: this.outs, opset: OPSET, name: this.name });
  }
}
