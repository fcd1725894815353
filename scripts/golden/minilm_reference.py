#!/usr/bin/env python3
"""Golden reference for Graft's BERT encoder: all-MiniLM-L6-v2 run by PyTorch + transformers.

Dev-only; the product never needs Python. Regenerate with:

    npm run fetch:model
    python3 -m venv .cache/golden-venv
    .cache/golden-venv/bin/pip install torch==2.13.0 transformers sentence-transformers
    .cache/golden-venv/bin/python scripts/golden/minilm_reference.py

It loads the fetched folder (.cache/models/all-MiniLM-L6-v2), encodes SENTENCES as one
right-padded batch (padding to the longest, as Graft's tokenizer does) and writes
src/main/models/__fixtures__/minilm-golden.json (< 100 KB) with:
  input_ids, attention_mask              [batch][seq]
  last_hidden_first8                     [batch][seq][8]   every token, padding rows included
  hidden_states_first4                   [layer 0..6][batch][seq][4] (0 = embeddings output)
  mean_pooled_norm                       [batch]   L2 norm of the mask-aware mean before scaling
  mean_pooled_normalised_first16         [batch][16]
  cosine                                 [batch][batch] of the full normalised embeddings
The pooled values are cross-checked against sentence-transformers' own encode().
"""
import hashlib
import json
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / ".cache" / "models" / "all-MiniLM-L6-v2"
OUT = ROOT / "src" / "main" / "models" / "__fixtures__" / "minilm-golden.json"

# Mixed lengths so padding, masking and mean pooling all matter; SST-2-like text plus accents,
# punctuation and a word-piece split.
SENTENCES = [
    "A gripping, beautifully shot film.",
    "it 's a charming and often affecting journey that never quite loses its unaffable "
    "sense of wonder , even when the plot stumbles through a cafe of clichés .",
    "Terrible.",
    "The cast is good, but the script doesn't know what it wants to be!",
]


def rounded(tensor, digits=7):
    """Nested lists of floats rounded to 7 decimals: far below the 1e-4 test tolerance."""
    return [[round(float(x), digits) for x in row] for row in tensor.tolist()] \
        if tensor.dim() == 2 else [rounded(t, digits) for t in tensor]


def main():
    if not (MODEL_DIR / "model.safetensors").exists():
        sys.exit(f"{MODEL_DIR} is missing; run `npm run fetch:model` first")
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(str(MODEL_DIR))
    model = AutoModel.from_pretrained(str(MODEL_DIR), attn_implementation="eager").eval()

    enc = tokenizer(SENTENCES, padding=True, truncation=True, max_length=128,
                    return_tensors="pt")
    with torch.no_grad():
        out = model(**enc, output_hidden_states=True)

    last = out.last_hidden_state  # [batch, seq, hidden]
    mask = enc["attention_mask"].unsqueeze(-1).to(last.dtype)  # [batch, seq, 1]
    mean = (last * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # [batch, hidden]
    norm = mean.norm(dim=1)  # [batch]
    normalised = mean / norm.unsqueeze(1)

    # Cross-check against sentence-transformers (mean pooling + Normalize modules).
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(str(MODEL_DIR), device="cpu")
    st_emb = st.encode(SENTENCES, convert_to_tensor=True, normalize_embeddings=False)
    diff = (st_emb - normalised).abs().max().item()
    assert diff < 1e-5, f"sentence-transformers differs from the manual pooling by {diff}"

    golden = {
        "about": "all-MiniLM-L6-v2 reference from scripts/golden/minilm_reference.py",
        "model_sha256": hashlib.sha256((MODEL_DIR / "model.safetensors").read_bytes()).hexdigest(),
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "max_length": 128,
        "sentences": SENTENCES,
        "input_ids": enc["input_ids"].tolist(),
        "attention_mask": enc["attention_mask"].tolist(),
        "token_type_ids": enc["token_type_ids"].tolist(),
        "last_hidden_first8": [rounded(last[b, :, :8]) for b in range(last.shape[0])],
        "hidden_states_first4": [
            [rounded(h[b, :, :4]) for b in range(h.shape[0])] for h in out.hidden_states
        ],
        "mean_pooled_norm": [round(float(x), 7) for x in norm],
        "mean_pooled_normalised_first16": rounded(normalised[:, :16]),
        "cosine": rounded(normalised @ normalised.T),
        "sentence_transformers_max_abs_diff": diff,
    }
    OUT.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes), seq_len {last.shape[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
