"""Exporters (PyTorch source, .pt2, ONNX, TorchScript, weights, training script) and their
verifiers, which reload each file in a clean process and compare outputs."""
