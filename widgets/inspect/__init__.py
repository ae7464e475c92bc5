"""Views for looking inside a network: feature maps, filters, predictions, saliency and the
sample picker. Each view takes numpy arrays (the engine's results) and draws them; none
computes anything about the model."""
