"""Views: the graphviz drawing (`render`), the frames of a stepped backward pass (`frames`), the
browser graph view (`graphview`), the HTML player (`player`) and the Jupyter explorer (`widget`),
with their scripts and vendored assets in `assets/`."""
