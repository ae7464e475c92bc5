"""File > Load Weights and the trained-weights status of the document."""
