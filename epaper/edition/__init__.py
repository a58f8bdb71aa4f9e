"""The edition stage: a dated, localized edition PDF and its report from an edition folder."""
