"""Making the site's files from templates: the Jinja environment and SiteView, the one table of the site's layout, cards, page metadata, share images, downloads, and the words readers see."""
