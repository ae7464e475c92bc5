"""The learning lab: a Learn dock with one step-by-step view per idea of the tutorial, on
the user's own network, weights and data, and Help ▸ Lessons to open each idea."""
