#!/usr/bin/env bash
# Copy GOV.UK Frontend from node_modules into Homeward's static files. Nothing is loaded from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/govuk-frontend/dist/govuk
dest=core/static_build/govuk
[ -d "$src" ] || { echo "govuk-frontend is not installed: run 'npm ci' first" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/assets" "$dest/assets"
cp "$src/govuk-frontend.min.js" "$dest/"
# The compiled CSS points at /assets/...; make those paths relative so they work under any STATIC_URL.
sed -e 's#url(/assets/#url(assets/#g' -e 's#/\*\# sourceMappingURL=.*\*/##' \
  "$src/govuk-frontend.min.css" > "$dest/govuk-frontend.min.css"
sed -i -e 's#^//\# sourceMappingURL=.*##' "$dest/govuk-frontend.min.js"
echo "GOV.UK Frontend $(node -p "require('./node_modules/govuk-frontend/package.json').version") copied to $dest"
