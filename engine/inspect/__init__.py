"""Looking inside a model: probes (feature maps, gradients, weights), filters, prediction,
saliency and receptive fields, as plain functions on a model and a sample returning numpy."""
