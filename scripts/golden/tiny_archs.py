#!/usr/bin/env python3
"""Golden fixtures for Graft's non-BERT encoders: tiny random-weight models run by transformers.

Dev-only; the product never needs Python. Regenerate with:

    python3 -m venv .cache/golden-venv
    .cache/golden-venv/bin/pip install torch==2.13.0 transformers
    .cache/golden-venv/bin/python scripts/golden/tiny_archs.py

For each architecture it builds a tiny model from a config (seeded random weights, every
parameter drawn at a scale where activations stay O(1), LayerNorm gains near 1), runs one
right-padded batch in eval mode with the eager attention and writes
src/main/models/__fixtures__/archs/<name>/ with:
  config.json, model.safetensors   the folder Graft imports (saved by save_pretrained, f32)
  vocab.txt or tokenizer.json      a word-level "tok<i>" vocabulary with the family's specials
  expected.json                    input_ids, attention_mask, token_type_ids [batch][seq];
                                   hidden_states [layers + 1][batch * seq * hidden] (padding
                                   rows included); grads of loss = sum_i h_last[i] * sin(i + 1)
                                   over the flat last hidden state, for a few named weights.
Hidden state l is the output of layer l (ALBERT: of layer group application l), 0 the
embeddings output after any projection to hidden_size, as transformers 4.x defined them.
"""
import json
import math
import shutil
from pathlib import Path

import torch
import transformers
from transformers import (AlbertConfig, AlbertModel, DistilBertConfig, DistilBertModel,
                          ElectraConfig, ElectraForPreTraining, RobertaConfig, RobertaModel,
                          XLMRobertaConfig, XLMRobertaModel)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "main" / "models" / "__fixtures__" / "archs"
VOCAB = 60
SEQ = 7

COMMON = dict(vocab_size=VOCAB, hidden_size=16, num_hidden_layers=2, num_attention_heads=4,
              intermediate_size=24, max_position_embeddings=24, hidden_dropout_prob=0.0,
              attention_probs_dropout_prob=0.0)


def cases():
    roberta = dict(COMMON, max_position_embeddings=SEQ + 4, type_vocab_size=1, pad_token_id=1,
                   bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5)
    yield "roberta", RobertaModel(RobertaConfig(**roberta)), 1, ["encoder.layer.0.attention.self.query.weight"]
    yield "xlm-roberta", XLMRobertaModel(XLMRobertaConfig(**roberta)), 1, []
    distil = dict(vocab_size=VOCAB, dim=16, n_layers=2, n_heads=4, hidden_dim=24,
                  max_position_embeddings=24, dropout=0.0, attention_dropout=0.0, pad_token_id=0)
    yield "distilbert", DistilBertModel(DistilBertConfig(**distil)), 0, [
        "transformer.layer.1.ffn.lin1.weight"]
    yield "distilbert-sinusoidal", DistilBertModel(
        DistilBertConfig(**distil, sinusoidal_pos_embds=True)), 0, []
    albert = dict(COMMON, embedding_size=8, num_hidden_layers=4, num_hidden_groups=2,
                  inner_group_num=1, hidden_act="gelu_new")
    yield "albert", AlbertModel(AlbertConfig(**albert), add_pooling_layer=False), 0, [
        "encoder.albert_layer_groups.0.albert_layers.0.attention.query.weight",
        "encoder.embedding_hidden_mapping_in.weight"]
    electra = dict(COMMON, embedding_size=8)
    yield "electra", ElectraForPreTraining(ElectraConfig(**electra)), 0, [
        "embeddings_project.weight", "encoder.layer.1.output.LayerNorm.weight"]


def write_tokenizer(folder, roberta_style):
    """A word-level vocabulary "tok<i>" with the model family's specials at their usual ids."""
    if not roberta_style:  # BERT-style WordPiece vocab.txt: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        vocab = specials + [f"tok{i}" for i in range(len(specials), VOCAB)]
        (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
        return
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab = specials + [f"tok{i}" for i in range(len(specials), VOCAB)]
    tok = Tokenizer(models.WordLevel({t: i for i, t in enumerate(vocab)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tok.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>",
         "cls_token": "<s>", "sep_token": "</s>", "model_max_length": SEQ + 2}))


def randomise(model, keep):
    """Every float parameter ~ N(0, 0.2²), LayerNorm gains ~ 1 + N(0, 0.1²)."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if any(k in name for k in keep):
                continue
            noise = torch.randn(p.shape, generator=g)
            is_gain = name.endswith("weight") and ("LayerNorm" in name or "layer_norm" in name)
            p.copy_(1 + 0.1 * noise if is_gain else 0.2 * noise)


def batch(pad):
    g = torch.Generator().manual_seed(11)
    lengths = [SEQ, 4, 2]
    ids = torch.full((3, SEQ), pad, dtype=torch.long)
    mask = torch.zeros((3, SEQ), dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(3, VOCAB, (n,), generator=g)
        ids[b, :n][ids[b, :n] == pad] = 5
        mask[b, :n] = 1
    types = torch.zeros_like(ids)
    types[0, 4:] = 1  # a second segment in the first row, where the model has types
    return ids, mask, types


def main():
    torch.manual_seed(0)
    shutil.rmtree(OUT, ignore_errors=True)
    for name, model, pad, grad_names in cases():
        model.set_attn_implementation("eager")
        sinusoidal = getattr(model.config, "sinusoidal_pos_embds", False)
        randomise(model, ["position_embeddings"] if sinusoidal else [])
        model.eval()
        has_types = getattr(model.config, "type_vocab_size", 0) > 1
        ids, mask, types = batch(pad)
        kwargs = dict(input_ids=ids, attention_mask=mask)
        if has_types:
            kwargs["token_type_ids"] = types

        out = model(**kwargs, output_hidden_states=True)
        states = out.hidden_states
        assert len(states) == model.config.num_hidden_layers + 1 if hasattr(
            model.config, "num_hidden_layers") else model.config.n_layers + 1, name
        last = states[-1].reshape(-1)
        weights = torch.sin(torch.arange(1, last.numel() + 1, dtype=torch.float32))
        loss = (last * weights).sum()
        params = dict(model.named_parameters())
        prefix = {"ElectraForPreTraining": "electra."}.get(type(model).__name__, "")
        grads = torch.autograd.grad(loss, [params[prefix + n] for n in grad_names]) \
            if grad_names else []

        folder = OUT / name
        model.save_pretrained(folder, safe_serialization=True)
        if sinusoidal:  # the computed table must come from Graft, not from the file
            from safetensors.torch import load_file, save_file
            tensors = load_file(folder / "model.safetensors")
            tensors = {k: v for k, v in tensors.items() if "position_embeddings" not in k}
            save_file(tensors, folder / "model.safetensors", metadata={"format": "pt"})
        write_tokenizer(folder, roberta_style=pad == 1)
        (folder / "generation_config.json").unlink(missing_ok=True)

        round8 = lambda t: [float(f"{v:.8g}") for v in t.reshape(-1).tolist()]
        expected = {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "input_ids": ids.tolist(),
            "attention_mask": mask.tolist(),
            "token_type_ids": types.tolist() if has_types else None,
            "hidden_size": states[0].shape[-1],
            "hidden_states": [round8(s) for s in states],
            "grads": {n: round8(g) for n, g in zip(grad_names, grads)},
        }
        (folder / "expected.json").write_text(json.dumps(expected))
        sizes = sum(f.stat().st_size for f in folder.iterdir())
        print(f"{name}: {len(states)} hidden states, {sizes / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
