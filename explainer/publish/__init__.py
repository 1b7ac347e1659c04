"""What a finished site goes through before it is written: hashed names, the output gate, the search index, and writing the folder atomically."""
