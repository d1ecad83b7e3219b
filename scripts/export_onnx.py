"""Write the ONNX models the bot builds in memory to files, and their int8 versions, deterministically.

The bot never needs these files: ``bot.onnx_bert`` builds the fp32 graphs from
the shipped safetensors weights at load time. The files are for measuring
(``scripts/measure_onnx.py``) and for anyone who wants to run the models
elsewhere; int8 is onnxruntime's dynamic quantisation (weights int8 per
tensor, activations quantised on the fly); int8pc quantises only the weight
MatMuls, per output channel. Same inputs, same bytes: the
sha256 of each file is printed and written to ``SHA256SUMS``.

    .venv/bin/python scripts/export_onnx.py [--out build/onnx]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def graphs() -> dict[str, tuple]:
    from bot.answer.qa_model import qa_graph
    from bot.embeddings import model_path
    from bot.onnx_bert import bert_config, build_model, read_weights
    from bot.settings import DEFAULT_EMBEDDER

    path = model_path(DEFAULT_EMBEDDER)
    return {"embedder": build_model(read_weights((path / "model.safetensors", "")), bert_config(path), "embed"),
            "reader": qa_graph()}


def export(out: Path) -> dict[str, Path]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from bot.onnx_bert import standalone

    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic advises pre-processing on the root logger
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (model, weights) in graphs().items():
        fp32 = out / f"{name}-fp32.onnx"
        onnx.save_model(standalone(model, weights), str(fp32))
        int8 = out / f"{name}-int8.onnx"
        with tempfile.TemporaryDirectory() as tmp:  # quantize_dynamic writes beside its output
            staged = Path(tmp) / int8.name
            quantize_dynamic(str(fp32), str(staged), weight_type=QuantType.QInt8, per_channel=False,
                             reduce_range=False)
            int8.write_bytes(staged.read_bytes())
        written[f"{name}-fp32"], written[f"{name}-int8"] = fp32, int8
        # per output channel, and only the MatMuls with a weight: the attention's two products of
        # activations stay fp32 (quantising them moved vectors most)
        full = onnx.load(str(fp32))
        for number, node in enumerate(full.graph.node):
            node.name = node.name or f"node_{number}"
        weights_named = {t.name for t in full.graph.initializer}
        activations_only = [n.name for n in full.graph.node
                            if n.op_type == "MatMul" and not any(i in weights_named for i in n.input)]
        per_channel = out / f"{name}-int8pc.onnx"
        with tempfile.TemporaryDirectory() as tmp:
            named, staged = Path(tmp) / "named.onnx", Path(tmp) / per_channel.name
            onnx.save_model(full, str(named))
            quantize_dynamic(str(named), str(staged), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"], nodes_to_exclude=activations_only)
            per_channel.write_bytes(staged.read_bytes())
        written[f"{name}-int8pc"] = per_channel
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "onnx")
    args = parser.parse_args()
    lines = []
    for name, path in export(args.out).items():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.name}")
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB) sha256 {digest}")
    (args.out / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
