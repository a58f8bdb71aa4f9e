#!/usr/bin/env bash
# Regenerates epaper-newsprint-240.icc (a CMYK output profile for coldset newsprint) with
# Argyll CMS (Debian: apt-get install argyll ghostscript). Not needed to run epaper.
#
# No measured newsprint characterization (WAN-IFRAnewspaper26v5, ISO 12647-3) is free to
# ship here, so this profile is built from Ghostscript's default CMYK characterization
# (/usr/share/color/icc/ghostscript/default_cmyk.icc, AGPL-3.0-or-later) with the
# separation settings of newsprint: total ink limit 240 %, black ink limit 95 %, heavy
# grey-component replacement (black generation "r": a ramp from paper white). Its
# colorimetry is not newsprint's. A printing plant's own profile goes in
# layout.toml: [press] profile = "path/to/plant.icc".
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
targen -v0 -d4 -f 600 -l 400 "$work/np" >/dev/null
fakeread /usr/share/color/icc/ghostscript/default_cmyk.icc "$work/np" >/dev/null
colprof -qm -kr -l240 -L95 -D "epaper newsprint 240% (stand-in)" \
    -C "AGPL-3.0-or-later; from Ghostscript default_cmyk.icc by Argyll CMS" "$work/np" >/dev/null
cp "$work/np.icc" epaper-newsprint-240.icc
echo "wrote $(pwd)/epaper-newsprint-240.icc"
