"""The Inspect dock: feature maps, filters, prediction and saliency of the network on the canvas."""
