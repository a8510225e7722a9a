#!/usr/bin/env bash
# Refreshes the README's console screenshots (docs/screenshots/*.jpg, ~1.5 MB in all) from the
# browser tests' PNGs: run the console browser tests first (they write artifacts/screenshots/,
# 1366×768 laptop and 390×844 phone), then this. Needs ImageMagick (apt-get install imagemagick).
set -euo pipefail
cd "$(dirname "$0")/.."
src=artifacts/screenshots
out=docs/screenshots
[ -d "$src" ] || { echo "no $src: run the console browser tests first (pnpm test, or vitest run test/console-*.browser.test.ts in services/standalone)" >&2; exit 1; }
mkdir -p "$out"
for f in "$src"/*.png; do
  convert "$f" -resize '1000x>' -strip -quality 72 "$out/$(basename "$f" .png).jpg"
done
du -sh "$out"
