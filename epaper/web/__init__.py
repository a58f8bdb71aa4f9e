"""The e-paper: a static web replica of an edition (page images, clickable story regions,
an article view, search), its ALTO/METS text, and a reading room over the archive."""
