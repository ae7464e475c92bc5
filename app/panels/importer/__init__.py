"""File > Import Model…: an ONNX model opened as a new, editable document."""
