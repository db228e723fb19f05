"""Reading and writing files: tables, sessions, weights."""
