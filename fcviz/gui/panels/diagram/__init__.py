"""The network drawn as nodes and arrows: the forward view (network.py) and the backprop view
(backprop.py) share one panel base, diagram view and editing."""
