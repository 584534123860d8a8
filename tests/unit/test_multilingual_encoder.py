"""The bundled multilingual encoder puts a Chinese text near its English paraphrase, offline."""

from __future__ import annotations

import numpy as np

from autoglm.shared.multilingual import DIM, default_encoder


def test_vectors_are_normalised_and_cross_lingual() -> None:
    enc = default_encoder()
    v = enc.encode(["How do I reset my password?", "用户如何重置密码？", "明天北京的天气怎么样", ""])
    assert v.shape == (4, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3  # the paraphrase across languages, far above an unrelated text


def test_empty_input() -> None:
    assert default_encoder().encode([]).shape == (0, DIM)
