"""The Qt window: a worker thread trains, the controller keeps the latest snapshot, panels draw it."""
