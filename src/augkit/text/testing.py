"""Tiny, randomly initialised local models for tests and demos (no download, ~1 s).

They exercise the real loading, batching and generation code of :mod:`augkit.text.translate`
and :mod:`augkit.text.contextual`; their outputs are of course meaningless.
Needs ``augkit[text-models]`` (torch, transformers, sentencepiece).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

CORPUS = [
    "the movie was great and the actors were good", "what is the capital of france",
    "who wrote this book about people", "a film about the war was not bad at all",
    "der film war gut und die schauspieler waren toll", "was ist die hauptstadt von frankreich",
    "wer hat dieses buch geschrieben", "ein film über den krieg war nicht schlecht",
]
WORDS = ("movie film great good bad book people war actor story music song house city water "
         "fire happy quick slow bright dark small large river mountain friend teacher").split()


def make_tiny_marian(folder: str | Path, seed: int = 0) -> str:
    """A random MarianMT model with a sentencepiece tokenizer trained here on a toy corpus."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CORPUS * 10), model_writer=buf,
                                   vocab_size=80, model_type="unigram", character_coverage=1.0,
                                   hard_vocab_limit=False, minloglevel=2, num_threads=1)
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    vocab: dict[str, int] = {}
    for piece in ["</s>", "<unk>", "<pad>"] + [sp.id_to_piece(i)
                                               for i in range(sp.get_piece_size())]:
        vocab.setdefault(piece, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = MarianTokenizer(source_spm=str(folder / "source.spm"),
                                target_spm=str(folder / "target.spm"),
                                vocab=str(folder / "vocab.json"))
    tokenizer.save_pretrained(folder)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=128, pad_token_id=vocab["<pad>"],
        eos_token_id=vocab["</s>"], decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=vocab["</s>"])
    torch.manual_seed(seed)
    MarianMTModel(config).save_pretrained(folder)
    return str(folder)


def make_tiny_bert(folder: str | Path, seed: int = 0) -> str:
    """A random BERT masked LM with a WordPiece vocabulary of real English words."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    extra = sorted({w for line in CORPUS[:4] for w in line.split()} | set(WORDS))
    vocab = special + list(".,!?") + extra + ["##s", "##ing"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32,
                        max_position_embeddings=128)
    torch.manual_seed(seed)
    BertForMaskedLM(config).save_pretrained(folder)
    return str(folder)
