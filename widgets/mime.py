"""Drag-and-drop MIME types shared by the palette (source) and the canvas (target)."""

# The payload is the layer type id, UTF-8 encoded (e.g. b"conv2d").
LAYER_MIME = "application/x-netcanvas-layer"
# Clipboard payload for copied nodes: JSON of {"nodes": [...], "edges": [...]}.
NODES_MIME = "application/x-netcanvas-nodes"
