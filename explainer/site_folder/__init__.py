"""Reading a site folder: its settings, content/ into Pages, front matter; `new` and its starter site."""
