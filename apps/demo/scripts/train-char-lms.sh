#!/usr/bin/env bash
# Trains the Generate page's character language models with the repo's trainer (`pnpm train
# --task char-lm`, Moby-Dick) at a tiny CPU size and exports each into public/models/char-lm-<attention>/.
# One model per decoding kind: linear-elu (recurrent: constant state), local with radius 16
# (window: a fixed buffer of the last 16 keys and values), softmax (cache: state grows with every token).
# Run from the repository root: bash apps/demo/scripts/train-char-lms.sh  (about 5 minutes per model
# on one CPU core, wasm backend; seed 0).
set -euo pipefail
RUNS="${RUNS:-/tmp/attention-zoo-char-lm-runs}"
OUT=apps/demo/public/models
COMMON=(--task char-lm --dim 32 --depth 1 --heads 2 --mlp-ratio 2 --batch 32 --steps 5000 --lr 0.003 --warmup 100
  --seed 0 --eval-every 1000 --checkpoint-every 1000 --val-limit 512 --test-limit 2048 --no-bar --quiet)
train() { # <attention> [--attn-opt k=v]
  local name=$1; shift
  rm -rf "$RUNS/char-lm-$name"
  pnpm train "${COMMON[@]}" --attention "$name" "$@" --run "$RUNS/char-lm-$name"
  pnpm train export "$RUNS/char-lm-$name" --out "$OUT/char-lm-$name"
}
train linear-elu
train local --attn-opt radius=16
train softmax
