"""What build() may do besides computing (BuildEffects) and the one pool of processes and threads."""
