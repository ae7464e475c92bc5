"""Importers: files from other tools (ONNX) -> a NetCanvas graph plus weights."""
