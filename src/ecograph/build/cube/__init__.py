"""The precomputed answers (the "cube") written into the meta graph at every build."""
