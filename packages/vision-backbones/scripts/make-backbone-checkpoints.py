#!/usr/bin/env python3
"""Writes tiny backbone checkpoints with PyTorch's own torch.save, in timm's and the official names,
with the outputs PyTorch gives for them, so the TypeScript tests prove parity without Python.

The models are timm's (timm 1.0): DeiT (`VisionTransformer`, `VisionTransformerDistilled`; the official
DeiT repository is built on timm and shares every name), PVTv2 (`PyramidVisionTransformerV2`) and Swin
(`SwinTransformer`). Official-named checkpoints are timm's state dicts renamed by the exact inverse of
timm's `checkpoint_filter_fn` (checked here: timm's filter maps them back to timm's names), with the
buffers the official code saves (Swin's `relative_position_index`, `attn_mask`). timm has no PVT v1 or
CSwin: their cases run the official modules, imported from clones given by --official-repos DIR
(DIR/PVT = whai362/PVT, DIR/CSWin-Transformer = microsoft/CSWin-Transformer; their code is not copied
here); without it those cases are skipped.

Each case <name>.pth (and <name>.safetensors for timm's Hugging Face form) comes with
<name>.expected.json: the TS model options, the input (NCHW), logits, and multi-scale features
(timm's `forward_intermediates`, NCHW). Run only to regenerate:

    pip install torch timm     # CPU wheels are enough; torchvision is not needed (stubbed below)
    python3 packages/vision-backbones/scripts/make-backbone-checkpoints.py --official-repos ~/src
"""

import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import re
import sys
import types

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "checkpoints")


class _Stub(types.ModuleType):
    """A stand-in for torchvision: timm imports it for data pipelines and FrozenBatchNorm2d, which these models never use."""

    __path__ = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "InterpolationMode":
            import enum

            value = enum.Enum(name, {k: k.lower() for k in ["NEAREST", "NEAREST_EXACT", "BILINEAR", "BICUBIC", "BOX", "HAMMING", "LANCZOS"]})
        else:
            value = type(name, (nn.Module,), {})
        setattr(self, name, value)
        return value


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname == "torchvision" or fullname.startswith("torchvision."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        return _Stub(spec.name)

    def exec_module(self, module):
        pass


try:
    import torchvision  # noqa: F401
except Exception:
    for k in [k for k in sys.modules if k.startswith("torchvision")]:
        del sys.modules[k]
    sys.meta_path.insert(0, _StubFinder())

import timm  # noqa: E402
from timm.models import pvt_v2, swin_transformer, vision_transformer  # noqa: E402
from timm.models.deit import VisionTransformerDistilled  # noqa: E402


def values(t):
    """float32 values, each written with the 9 significant digits that read back to the same float32."""
    return [float("%.9g" % v) for v in t.detach().to(torch.float32).contiguous().flatten().tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": values(t)}


def randomise(model, seed, small=()):
    """Every parameter random (no default init survives), so a mis-mapped key shows in the outputs.
    Parameters named in `small` are scaled by 0.01: the LayerNorm after them then sees small activations,
    so its ε (1e-5 or 1e-6) shows in the outputs."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.002 if name in small else 0.2))
    return model.eval()


def save(name, obj, expected, safetensors_sd=None):
    path = os.path.join(OUT, name + ".pth")
    torch.save(obj, path)
    if safetensors_sd is not None:
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in safetensors_sd.items()}, os.path.join(OUT, name + ".safetensors"))
    expected = {**expected, "torch": torch.__version__, "timm": timm.__version__}
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {name}: {os.path.getsize(path)} bytes")


def run(model, x, feature_indices=None):
    with torch.no_grad():
        out = {"logits": tensor_json(model(x))}
        if feature_indices is not None:
            feats = model.forward_intermediates(x, indices=feature_indices, intermediates_only=True)
            out["features"] = [tensor_json(f) for f in feats]
    return out


def inverse_check(official_sd, timm_sd, model, filter_fn):
    """timm's own filter must map the official-named dict back onto timm's names and values."""
    back = filter_fn(dict(official_sd), model)
    assert set(back) == set(timm_sd), sorted(set(back) ^ set(timm_sd))
    assert all(torch.equal(back[k], timm_sd[k]) for k in timm_sd)


# ---- DeiT (official = timm names) -----------------------------------------------------------------

DEIT = dict(img_size=32, patch_size=8, embed_dim=16, depth=2, num_heads=2, num_classes=3)
DEIT_TS = {"imageSize": 32, "patchSize": 8, "embedDim": 16, "depth": 2, "numHeads": 2, "numClasses": 3}


def deit():
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    m = randomise(vision_transformer.VisionTransformer(**DEIT), 10)
    sd = m.state_dict()
    # DeiT's releases wrap the state dict: {'model': state_dict}
    save("deit-timm", {"model": sd}, {"class": "DeiT", "config": DEIT_TS, "naming": "official/timm", "input": tensor_json(x), **run(m, x, [0, 1])}, sd)

    d = randomise(VisionTransformerDistilled(**DEIT), 11)
    dsd = d.state_dict()
    save("deit-distilled-timm", {"model": dsd}, {"class": "DeiT", "config": {**DEIT_TS, "distilled": True}, "naming": "official/timm", "input": tensor_json(x), **run(d, x)})

    # the DeiT checkpoint at 48×48: pos_embed resampled by timm's own filter (resample_abs_pos_embed, bicubic + antialias)
    x48 = torch.randn(2, 3, 48, 48, generator=torch.Generator().manual_seed(2))
    big = vision_transformer.VisionTransformer(**{**DEIT, "img_size": 48}).eval()
    big.load_state_dict(vision_transformer.checkpoint_filter_fn(dict(sd), big))
    save("deit-timm-at-48", {"model": sd}, {"class": "DeiT", "config": {**DEIT_TS, "imageSize": 48}, "naming": "official/timm", "input": tensor_json(x48), **run(big, x48)})

    # bfloat16 weights (as half-precision releases are): outputs of the model holding the rounded weights
    half = {k: v.to(torch.bfloat16) for k, v in sd.items()}
    r = vision_transformer.VisionTransformer(**DEIT).eval()
    r.load_state_dict({k: v.float() for k, v in half.items()})
    save("deit-timm-bf16", half, {"class": "DeiT", "config": DEIT_TS, "naming": "official/timm", "input": tensor_json(x), **run(r, x)})


# ---- PVTv2 -------------------------------------------------------------------------------------------

PVT2 = dict(depths=(1, 2, 1, 1), embed_dims=(8, 16, 16, 24), num_heads=(1, 2, 2, 3), mlp_ratios=(2, 2, 2, 2), sr_ratios=(8, 4, 2, 1), num_classes=3)
PVT2_TS = {"version": 2, "imageSize": 64, "depths": [1, 2, 1, 1], "embedDims": [8, 16, 16, 24], "numHeads": [1, 2, 2, 3], "mlpRatios": [2, 2, 2, 2], "srRatios": [8, 4, 2, 1], "numClasses": 3}


def pvt_v2_official(sd):
    """The inverse of timm's pvt_v2.checkpoint_filter_fn."""
    out = {}
    for k, v in sd.items():
        k = re.sub(r"^patch_embed\.", "patch_embed1.", k)
        k = re.sub(r"^stages\.(\d+)\.downsample\.", lambda m: f"patch_embed{int(m.group(1)) + 1}.", k)
        k = re.sub(r"^stages\.(\d+)\.blocks\.(\d+)\.", lambda m: f"block{int(m.group(1)) + 1}.{m.group(2)}.", k)
        k = re.sub(r"^stages\.(\d+)\.norm\.", lambda m: f"norm{int(m.group(1)) + 1}.", k)
        k = re.sub(r"\.mlp\.dwconv\.(weight|bias)$", r".mlp.dwconv.dwconv.\1", k)
        out[k] = v
    return out


def pvt():
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    m = randomise(pvt_v2.PyramidVisionTransformerV2(**PVT2), 20, small=("patch_embed.proj.weight", "patch_embed.proj.bias"))
    sd = m.state_dict()
    expected = {"class": "Pvt", "config": PVT2_TS, "input": tensor_json(x), **run(m, x, [0, 1, 2, 3])}
    save("pvtv2-timm", sd, {**expected, "naming": "timm"}, sd)
    official = pvt_v2_official(sd)
    inverse_check(official, sd, m, pvt_v2.checkpoint_filter_fn)
    save("pvtv2-official", official, {**expected, "naming": "official"})


# ---- Swin --------------------------------------------------------------------------------------------

SWIN = dict(img_size=32, patch_size=4, window_size=4, embed_dim=8, depths=(2, 2), num_heads=(2, 4), num_classes=3)
SWIN_TS = {"imageSize": 32, "patchSize": 4, "windowSize": 4, "embedDim": 8, "depths": [2, 2], "numHeads": [2, 4], "numClasses": 3}


def swin_official(sd, model):
    """The inverse of timm's swin_transformer.checkpoint_filter_fn, with the buffers the official code saves."""
    out = {}
    for k, v in sd.items():
        k = re.sub(r"^layers\.(\d+)\.downsample\.", lambda m: f"layers.{int(m.group(1)) - 1}.downsample.", k)
        k = re.sub(r"^head\.fc\.", "head.", k)
        out[k] = v
        if k.endswith("attn.relative_position_bias_table"):
            block = k[: -len("attn.relative_position_bias_table")]
            out[block + "attn.relative_position_index"] = model.get_submodule(block[:-1]).attn.relative_position_index
    for name, mod in model.named_modules():
        if isinstance(mod, swin_transformer.SwinTransformerBlock) and mod.attn_mask is not None:
            out[name + ".attn_mask"] = mod.attn_mask
    return out


def swin():
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(4))
    m = randomise(swin_transformer.SwinTransformer(**SWIN), 30, small=("patch_embed.proj.weight", "patch_embed.proj.bias"))
    sd = m.state_dict()
    expected = {"class": "Swin", "config": SWIN_TS, "input": tensor_json(x), **run(m, x, [0, 1])}
    save("swin-timm", sd, {**expected, "naming": "timm"}, sd)
    official = swin_official(sd, m)
    inverse_check(official, sd, m, swin_transformer.checkpoint_filter_fn)
    save("swin-official", {"model": official}, {**expected, "naming": "official"})

    # float16, every tensor a view into one shared storage (offsets; the weights transposed there and back, so
    # strided views): what a checkpoint saved from sliced or tied parameters looks like
    half = {k: v.to(torch.float16) for k, v in sd.items()}
    flat = torch.cat([v.t().contiguous().flatten() if v.dim() == 2 else v.flatten() for v in half.values()])
    views, at = {}, 0
    for k, v in half.items():
        n = v.numel()
        views[k] = flat[at : at + n].view(v.t().shape).t() if v.dim() == 2 else flat[at : at + n].view(v.shape)
        at += n
    assert all(torch.equal(views[k], half[k]) for k in half) and len({t.untyped_storage().data_ptr() for t in views.values()}) == 1
    r = swin_transformer.SwinTransformer(**SWIN).eval()
    r.load_state_dict({k: v.float() for k, v in half.items()})
    save("swin-timm-fp16-views", views, {"class": "Swin", "config": SWIN_TS, "naming": "timm", "input": tensor_json(x), **run(r, x)})

    # the window-4 checkpoint in a window-8 model at 64×64: tables resized as Swin's load_pretrained does (bicubic)
    x64 = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(5))
    big = swin_transformer.SwinTransformer(**{**SWIN, "img_size": 64, "window_size": 8}).eval()
    resized = {}
    for k, v in sd.items():
        if k.endswith("relative_position_bias_table"):
            n, heads = v.shape
            s, s2 = int(n ** 0.5), 2 * 8 - 1
            v = F.interpolate(v.permute(1, 0).reshape(1, heads, s, s), size=(s2, s2), mode="bicubic").reshape(heads, s2 * s2).permute(1, 0)
        resized[k] = v
    big.load_state_dict(resized)
    save("swin-official-window8", {"model": official}, {"class": "Swin", "config": {**SWIN_TS, "imageSize": 64, "windowSize": 8}, "naming": "official", "input": tensor_json(x64), **run(big, x64)})


# ---- PVT v1 and CSwin: the official modules ----------------------------------------------------------

def load_official(root, repo, path):
    spec = importlib.util.spec_from_file_location(f"official_{repo.replace('-', '_')}", os.path.join(root, repo, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PVT1 = dict(img_size=64, patch_size=4, embed_dims=[8, 16, 16, 24], num_heads=[1, 2, 2, 3], mlp_ratios=[2, 2, 2, 2], qkv_bias=True, depths=[1, 2, 1, 1], sr_ratios=[8, 4, 2, 1], num_classes=3)
PVT1_TS = {"version": 1, "clsToken": True, "imageSize": 64, "embedDims": [8, 16, 16, 24], "numHeads": [1, 2, 2, 3], "mlpRatios": [2, 2, 2, 2], "depths": [1, 2, 1, 1], "srRatios": [8, 4, 2, 1], "numClasses": 3}


def pvt_v1(root):
    from functools import partial

    pvt = load_official(root, "PVT", "classification/pvt.py")
    small = [f"patch_embed{i}.proj.{p}" for i in range(1, 5) for p in ("weight", "bias")]  # nn.LayerNorm's ε 1e-5 after them shows
    m = randomise(pvt.PyramidVisionTransformer(**PVT1, norm_layer=partial(nn.LayerNorm, eps=1e-6)), 40, small)  # pvt_tiny's norm_layer
    sd = m.state_dict()
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(7))
    save("pvt-official", {"model": sd}, {"class": "Pvt", "config": PVT1_TS, "naming": "official", "input": tensor_json(x), **run(m, x)})
    # 96×96 images into the 64×64 model: the official forward interpolates pos_embed{i} bilinearly (_get_pos_embed)
    x96 = torch.randn(2, 3, 96, 96, generator=torch.Generator().manual_seed(8))
    save("pvt-official-at-96", {"model": sd}, {"class": "Pvt", "config": {**PVT1_TS, "imageSize": 96}, "naming": "official", "input": tensor_json(x96), **run(m, x96)})


CSWIN = dict(img_size=64, embed_dim=8, depth=[1, 2, 1, 1], split_size=[1, 2, 2, 2], num_heads=[2, 2, 4, 4], mlp_ratio=2.0, num_classes=3)
CSWIN_TS = {"imageSize": 64, "embedDim": 8, "depths": [1, 2, 1, 1], "splitSizes": [1, 2, 2, 2], "numHeads": [2, 2, 4, 4], "mlpRatio": 2, "numClasses": 3}


def cswin(root):
    mod = load_official(root, "CSWin-Transformer", "models/cswin.py")
    m = randomise(mod.CSWinTransformer(**CSWIN), 50, small=("stage1_conv_embed.0.weight", "stage1_conv_embed.0.bias"))
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(9))
    save("cswin-official", {"state_dict_ema": m.state_dict()}, {"class": "CSwin", "config": CSWIN_TS, "naming": "official", "input": tensor_json(x), **run(m, x)})


# ---- the real models' keys and shapes (no weights): every named timm / official model loads by name ----------

def manifests(root):
    """{case: {model, naming, keys: {key: shape}}} of the full-size models, from the modules' own state dicts."""
    out = {}

    def add(case, model_name, naming, sd):
        out[case] = {"model": model_name, "naming": naming, "keys": {k: list(v.shape) for k, v in sd.items()}}

    for timm_name, ours in [("deit_tiny_patch16_224", "deit-t"), ("deit_small_patch16_224", "deit-s")]:
        add(f"{ours} timm", ours, "official/timm", timm.create_model(timm_name).state_dict())
    for timm_name, ours in [("pvt_v2_b0", "pvtv2-b0"), ("pvt_v2_b1", "pvtv2-b1")]:
        sd = timm.create_model(timm_name).state_dict()
        add(f"{ours} timm", ours, "timm", sd)
        add(f"{ours} official", ours, "official", pvt_v2_official(sd))
    for timm_name, ours in [("swin_tiny_patch4_window7_224", "swin-t"), ("swin_small_patch4_window7_224", "swin-s")]:
        m = timm.create_model(timm_name)
        sd = m.state_dict()
        add(f"{ours} timm", ours, "timm", sd)
        add(f"{ours} official", ours, "official", swin_official(sd, m))
    if root:
        from functools import partial

        pvt = load_official(root, "PVT", "classification/pvt.py")
        for depths, ours in [([2, 2, 2, 2], "pvt-t"), ([3, 4, 6, 3], "pvt-s")]:  # pvt_tiny, pvt_small
            m = pvt.PyramidVisionTransformer(patch_size=4, embed_dims=[64, 128, 320, 512], num_heads=[1, 2, 5, 8], mlp_ratios=[8, 8, 4, 4], qkv_bias=True,
                                             norm_layer=partial(nn.LayerNorm, eps=1e-6), depths=depths, sr_ratios=[8, 4, 2, 1])
            add(f"{ours} official", ours, "official", m.state_dict())
        cs = load_official(root, "CSWin-Transformer", "models/cswin.py")
        m = cs.CSWinTransformer(patch_size=4, embed_dim=64, depth=[1, 2, 21, 1], split_size=[1, 2, 7, 7], num_heads=[2, 4, 8, 16], mlp_ratio=4.0)  # CSWin_64_12211_tiny_224
        add("cswin-t official", "cswin-t", "official", m.state_dict())
    with open(os.path.join(OUT, "manifests.json"), "w") as f:
        json.dump({"torch": torch.__version__, "timm": timm.__version__, "cases": out}, f, separators=(",", ":"))
        f.write("\n")


# ---- torch's own interpolation (position embeddings, bias tables) -------------------------------------------

def interpolation():
    g = torch.Generator().manual_seed(6)
    cases = []
    for mode in ["bicubic", "bilinear"]:
        for antialias in [False, True]:
            for (h, w), size in [((5, 5), (8, 8)), ((7, 7), (3, 3)), ((4, 6), (6, 4))]:
                x = torch.randn(1, 3, h, w, generator=g)
                y = F.interpolate(x, size=size, mode=mode, align_corners=False, antialias=antialias)
                cases.append({"mode": mode, "antialias": antialias, "input": tensor_json(x[0]), "output": tensor_json(y[0])})
    with open(os.path.join(OUT, "interpolate.expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--official-repos", help="folder holding clones PVT/ and CSWin-Transformer/ (for PVT v1 and CSwin)")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    deit()
    pvt()
    swin()
    if args.official_repos:
        pvt_v1(args.official_repos)
        cswin(args.official_repos)
    else:
        print("no --official-repos: PVT v1 and CSwin cases not regenerated")
    manifests(args.official_repos)
    interpolation()
