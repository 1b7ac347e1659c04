"""The Markdown stage: the facts extension, token marks, converting pages (on every core), and placing what it finds in the file."""
