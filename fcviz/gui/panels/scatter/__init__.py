"""The data plot: points, the fitted curve or heatmap, and the per-neuron maps beside it."""
