/**
 * A minimal protobuf writer for the parts of ONNX's `ModelProto` the bench
 * builds (onnx/onnx.proto3, IR version 8): models, graphs, nodes, attributes,
 * float/int64 initializers and value infos. Field numbers are onnx.proto's.
 */

/** Little-endian protobuf wire writer: varints, length-delimited fields, fixed32 floats. */
class Writer {
  private chunks: Uint8Array[] = [];
  private len = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.len += b.length;
  }

  private varint(v: bigint | number): void {
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      const byte = Number(x & 0x7fn);
      x >>= 7n;
      out.push(x ? byte | 0x80 : byte);
    } while (x);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  /** Packed repeated int64 (proto3 default for scalars). */
  packedInts(field: number, vs: readonly number[]): this {
    const w = new Writer();
    for (const v of vs) w.varint(v);
    return this.bytes(field, w.finish());
  }

  /** Packed repeated float. */
  packedFloats(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(4 * vs.length);
    const dv = new DataView(b.buffer);
    vs.forEach((v, i) => dv.setFloat32(4 * i, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, AttributeValue>;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  dataType: (typeof DataType)[keyof typeof DataType];
  /** Little-endian raw bytes (float32 or int64). */
  raw: Uint8Array;
}

export interface ValueInfoSpec {
  name: string;
  dims: number[];
}

export interface ModelSpec {
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
  opset: number;
  name: string;
}

// AttributeProto.AttributeType
const FLOAT = 1, INT = 2, STRING = 3, FLOATS = 6, INTS = 7;

function attribute(name: string, v: AttributeValue): Writer {
  const w = new Writer().string(1, name); // name = 1
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`onnx attribute ${name}: integer expected (use { float } for floats), got ${v}`);
    return w.int(3, v).int(20, INT); // i = 3, type = 20
  }
  if (typeof v === 'string') return w.bytes(4, new TextEncoder().encode(v)).int(20, STRING); // s = 4
  if (Array.isArray(v)) return w.packedInts(8, v).int(20, INTS); // ints = 8
  if ('float' in v) return w.float(2, v.float).int(20, FLOAT); // f = 2
  return w.packedFloats(7, v.floats).int(20, FLOATS); // floats = 7
}

function node(n: NodeSpec): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i); // input = 1
  for (const o of n.outputs) w.string(2, o); // output = 2
  w.string(3, n.name).string(4, n.op); // name = 3, op_type = 4
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, attribute(k, v)); // attribute = 5
  return w;
}

function tensor(t: TensorSpec): Writer {
  const w = new Writer().packedInts(1, t.dims).int(2, t.dataType); // dims = 1, data_type = 2
  return w.string(8, t.name).bytes(9, t.raw); // name = 8, raw_data = 9
}

function valueInfo(v: ValueInfoSpec): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, new Writer().int(1, d)); // TensorShapeProto.dim = 1, dim_value = 1
  const tensorType = new Writer().int(1, DataType.FLOAT).message(2, shape); // elem_type = 1, shape = 2
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType)); // name = 1, type = 2 { tensor_type = 1 }
}

/** Serialises a model to ONNX protobuf bytes (IR version 8, default domain at `opset`). */
export function encodeModel(m: ModelSpec): Uint8Array {
  const g = new Writer();
  for (const n of m.nodes) g.message(1, node(n)); // node = 1
  g.string(2, m.name); // name = 2
  for (const t of m.initializers) g.message(5, tensor(t)); // initializer = 5
  for (const i of m.inputs) g.message(11, valueInfo(i)); // input = 11
  for (const o of m.outputs) g.message(12, valueInfo(o)); // output = 12
  return new Writer()
    .int(1, 8) // ir_version = 1
    .string(2, 'attention-zoo bench') // producer_name = 2
    .message(7, g) // graph = 7
    .message(8, new Writer().string(1, '').int(2, m.opset)) // opset_import = 8 { domain = 1, version = 2 }
    .finish();
}
