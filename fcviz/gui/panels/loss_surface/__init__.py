"""The loss surface: the panel that draws the loss over one or two parameters (`panel`), and the grids
it draws, computed off the GUI thread and cached (`grids`)."""
