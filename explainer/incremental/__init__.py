"""Reuse between builds: recorded reads, what the build keeps (in memory and on disk), the record of the last build, and the one store on disk."""
