#!/usr/bin/env python3
"""Writes the PyTorch checkpoints that test readTorchCheckpoint, with torch's own torch.save.

Each checkpoint test/fixtures/torch/<name>.pth comes with <name>.expected.json: the values torch
itself gives for every tensor (`t.contiguous()`, floats converted to float32 by torch), so the
TypeScript tests compare against PyTorch without needing Python. Run it only to regenerate:

    apt-get install -y python3-torch      # Debian's torch 1.13
    python3 packages/attention-core/scripts/make-torch-checkpoints.py

Weights are random with a fixed seed; the files are small (a few KB each).
"""

import argparse
import collections
import io
import json
import math
import os
import struct
import sys
import zipfile
import zlib

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


def number(x):
    """JSON has no NaN or infinities: those are written as strings JavaScript's Number() reads."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    return x


def expected_tensor(t):
    t = t.detach().contiguous()
    if t.dtype.is_floating_point:
        values = t.to(torch.float32).flatten().tolist()  # torch's own conversion to float32
    elif t.dtype == torch.bool:
        values = [int(v) for v in t.flatten().tolist()]
    else:
        values = t.flatten().tolist()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": [number(v) for v in values]}


def write(name, obj, expected):
    """Saves obj as <name>.pth and the values torch gives for expected["tensors"] as <name>.expected.json."""
    path = os.path.join(OUT, name + ".pth")
    torch.save(obj, path)
    loaded = torch.load(path)  # torch reads back exactly what the test will expect
    loaded_sd = loaded if expected["stateDictKey"] is None else loaded[expected["stateDictKey"]]
    assert all(torch.equal(loaded_sd[k], v) for k, v in expected["tensors"].items() if not v.is_floating_point() or not v.isnan().any()), name
    expected = dict(expected)
    expected["torch"] = torch.__version__
    expected["tensors"] = {k: expected_tensor(v) for k, v in expected["tensors"].items()}
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(expected, f, indent=None, separators=(",", ":"))
        f.write("\n")


def dtypes():
    g = torch.Generator().manual_seed(1)
    f = lambda *s: torch.randn(*s, generator=g)
    specials = torch.tensor([float("inf"), float("-inf"), float("nan"), 6.0e-8, -0.0, 65504.0])
    sd = collections.OrderedDict()
    sd["float32"] = f(3, 4)
    sd["float16"] = torch.cat([f(5), specials]).half()
    sd["bfloat16"] = torch.cat([f(2, 3).flatten(), torch.tensor([1e38, -3e-39, float("inf")])]).bfloat16()
    sd["float64"] = torch.tensor([0.1, -1e-310, 1e300, 3.141592653589793], dtype=torch.float64)
    sd["int64"] = torch.tensor([0, -1, 2**31 - 1, -(2**31), 12345], dtype=torch.int64)
    sd["int32"] = torch.tensor([[7, -8], [2**31 - 1, -(2**31)]], dtype=torch.int32)
    sd["int16"] = torch.tensor([-32768, 32767, 5], dtype=torch.int16)
    sd["int8"] = torch.tensor([-128, 127, 0], dtype=torch.int8)
    sd["uint8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True, True, False, False, True])
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 3)
    write("dtypes", sd, {"stateDictKey": None, "tensors": sd})


def views():
    g = torch.Generator().manual_seed(2)
    base = torch.randn(6, 8, generator=g)
    cube = torch.randn(2, 3, 4, generator=g)
    flat = torch.arange(24, dtype=torch.float32)
    half = torch.randn(4, 6, generator=g).half()
    sd = collections.OrderedDict()
    sd["base"] = base
    sd["transposed"] = base.t()  # stride (1, 8), shares base's storage
    sd["rows_1_to_3"] = base[1:4]  # storage offset 8
    sd["every_other_column"] = base[:, ::2]  # stride (8, 2)
    sd["corner"] = base[2:5, 3:7].t()  # offset, then transposed
    sd["permuted"] = cube.permute(2, 0, 1)  # 3-D, stride (1, 12, 4)
    sd["expanded"] = flat[:4].expand(3, 4)  # stride (0, 1): a row repeated
    sd["windows"] = flat.as_strided((5, 4), (3, 1), 2)  # overlapping rows
    sd["diagonal"] = base.diagonal()  # stride 9
    sd["tied_a"] = half  # the same tensor twice (memoised in the pickle)
    sd["tied_b"] = half
    sd["half_transposed"] = half.t()  # non-contiguous float16
    sd["single_column"] = base[:, 5:6]  # size-1 dim with a stride that does not matter
    write("views", sd, {"stateDictKey": None, "tensors": sd})


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Linear(4, 6)
        self.blocks = torch.nn.Sequential(torch.nn.LayerNorm(6), torch.nn.Linear(6, 6, bias=False))
        self.norm = torch.nn.BatchNorm1d(6)
        self.register_buffer("relative_position_index", torch.arange(12, dtype=torch.int64).reshape(3, 4))


def nested():
    torch.manual_seed(3)
    model = Tiny()
    ema = Tiny()
    model.norm(torch.randn(5, 6))  # BatchNorm statistics and num_batches_tracked become non-trivial
    sd = model.state_dict()  # an OrderedDict with _metadata
    assert hasattr(sd, "_metadata")
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.embed.weight.sum().backward()
    opt.step()
    ckpt = {"model": sd, "model_ema": ema.state_dict(), "optimizer": opt.state_dict(), "epoch": 3, "args": {"lr": 0.1, "name": "tiny", "flags": [1, 2]}}
    write("nested", ckpt, {"stateDictKey": "model", "tensors": sd, "ema": {k: expected_tensor(v) for k, v in ema.state_dict().items()}})


def simple():
    g = torch.Generator().manual_seed(4)
    sd = {"weight": torch.randn(3, 2, generator=g), "bias": torch.randn(3, generator=g), "steps": torch.tensor(7)}
    expected = {"stateDictKey": None, "tensors": sd}
    write("simple", sd, expected)
    for protocol in (4, 5):
        torch.save(sd, os.path.join(OUT, f"simple-protocol{protocol}.pth"), pickle_protocol=protocol)
    write_zip64(os.path.join(OUT, "simple.pth"), os.path.join(OUT, "simple-zip64.pth"))
    for name in ("simple-protocol4", "simple-protocol5", "simple-zip64"):
        loaded = torch.load(os.path.join(OUT, name + ".pth"))
        assert all(torch.equal(loaded[k], v) for k, v in sd.items()), name


def write_zip64(src, dst):
    """Re-packs a torch.save archive in the ZIP64 form torch writes past 4 GiB: every size and offset
    saturated to 0xFFFFFFFF in the central directory with the real values in ZIP64 extra fields, and a
    ZIP64 end-of-central-directory record and locator. torch.load reads the result (checked above)."""
    entries = []
    out = io.BytesIO()
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            name = info.filename.encode()
            offset = out.tell()
            # Pad the local header's extra field so the data starts 64-byte aligned, as torch does.
            header_len = 30 + len(name) + 4
            pad = (-(offset + header_len)) % 64
            extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
            crc = zlib.crc32(data)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, len(data), len(data), len(name), len(extra)))
            out.write(name + extra + data)
            entries.append((name, crc, len(data), offset))
    cd_offset = out.tell()
    for name, crc, size, offset in entries:
        extra = struct.pack("<HHQQQ", 0x0001, 24, size, size, offset)
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF))
        out.write(name + extra)
    cd_size = out.tell() - cd_offset
    zip64_eocd = out.tell()
    out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries), cd_size, cd_offset))
    out.write(struct.pack("<IIQI", 0x07064B50, 0, zip64_eocd, 1))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    with open(dst, "wb") as f:
        f.write(out.getvalue())
    with zipfile.ZipFile(dst) as z:  # Python's own zip reader agrees
        assert z.testzip() is None


def parameters():
    g = torch.Generator().manual_seed(5)
    sd = {"w": torch.nn.Parameter(torch.randn(2, 3, generator=g)), "frozen": torch.nn.Parameter(torch.randn(4, generator=g), requires_grad=False)}
    write("parameters", sd, {"stateDictKey": None, "tensors": sd})


def with_namespace_args():
    g = torch.Generator().manual_seed(6)
    sd = {"head.weight": torch.randn(2, 2, generator=g)}
    ckpt = {"model": sd, "args": argparse.Namespace(lr=0.001, model="deit_tiny"), "epoch": 299}
    write("namespace-args", ckpt, {"stateDictKey": "model", "tensors": sd})


def attention():
    """A timm ViT block's attention (fused qkv, proj), and its output for one input, computed by torch."""
    dim, heads, tokens = 16, 2, 5
    g = torch.Generator().manual_seed(7)
    qkv = torch.nn.Linear(dim, 3 * dim)
    proj = torch.nn.Linear(dim, dim)
    with torch.no_grad():
        for p in (qkv.weight, qkv.bias, proj.weight, proj.bias):
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
    x = torch.randn(1, tokens, dim, generator=g)
    with torch.no_grad():  # timm.models.vision_transformer.Attention.forward
        B, N, C = x.shape
        q, k, v = qkv(x).reshape(B, N, 3, heads, C // heads).permute(2, 0, 3, 1, 4)
        a = ((q @ k.transpose(-2, -1)) * (C // heads) ** -0.5).softmax(dim=-1)
        y = proj((a @ v).transpose(1, 2).reshape(B, N, C))
    sd = collections.OrderedDict(
        [("blocks.0.attn.qkv.weight", qkv.weight.detach()), ("blocks.0.attn.qkv.bias", qkv.bias.detach()),
         ("blocks.0.attn.proj.weight", proj.weight.detach()), ("blocks.0.attn.proj.bias", proj.bias.detach())]
    )
    write("attention", {"model": sd, "epoch": 300}, {"stateDictKey": "model", "tensors": sd, "x": expected_tensor(x), "y": expected_tensor(y)})


class RunsCode:
    def __reduce__(self):
        return (eval, ("print('this ran')",))


def refused():
    """Files the reader must refuse: each is named after what is wrong with it."""
    torch.manual_seed(8)
    torch.save({"w": torch.ones(2)}, os.path.join(OUT, "legacy.pth"), _use_new_zipfile_serialization=False)
    torch.save(torch.nn.Linear(2, 2), os.path.join(OUT, "whole-model.pth"))
    torch.save({"w": torch.ones(2), "payload": RunsCode()}, os.path.join(OUT, "runs-code.pth"))
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(OUT, "torchscript.pth"))
    torch.save({"w": torch.ones(2, dtype=torch.complex64)}, os.path.join(OUT, "complex.pth"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    dtypes()
    views()
    nested()
    simple()
    parameters()
    with_namespace_args()
    attention()
    refused()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, with torch {torch.__version__}", file=sys.stderr)
