"""One panel per file; each draws snapshots handed out by the controller."""
