"""The explainer engine: Markdown and a JSON fact store in, a cited static site out."""
