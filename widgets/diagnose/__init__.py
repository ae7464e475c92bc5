"""Views of the Diagnose panel: evaluation (metrics, confusion matrix, galleries),
gradient flow with histograms, and the vanishing-gradient lab's comparison. They take
plain data and emit signals; the app computes (engine) and feeds them."""
