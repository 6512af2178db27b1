#!/usr/bin/env bash
# Copies the pinned npm packages' built files and licences into static/vendor/.
# Run after changing package.json; the result is committed so installs need no Node.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --silent
copy() {  # package, destination folder, files...
  local pkg=$1 dest=static/vendor/$2; shift 2
  rm -rf "$dest"; mkdir -p "$dest"
  for f in "$@"; do cp "node_modules/$pkg/$f" "$dest/"; done
  for lic in LICENSE LICENSE.txt LICENSE.md; do
    [ -f "node_modules/$pkg/$lic" ] && cp "node_modules/$pkg/$lic" "$dest/LICENSE"
  done
  # Packages that ship no licence file still declare one in package.json.
  [ -f "$dest/LICENSE" ] || node -e "const p=require('./node_modules/$pkg/package.json'); console.log(p.name + ' is licensed under ' + p.license + ' (see package.json)')" > "$dest/LICENSE"
  node -e "console.log(require('./node_modules/$pkg/package.json').version)" > "$dest/VERSION"
}
copy @tabler/core tabler dist/css/tabler.min.css dist/js/tabler.min.js
copy htmx.org htmx dist/htmx.min.js
copy axe-core axe-core axe.min.js
copy fullcalendar fullcalendar index.global.min.js
copy chart.js chartjs dist/chart.umd.min.js
copy tom-select tom-select dist/js/tom-select.popular.min.js dist/css/tom-select.bootstrap5.min.css
cp node_modules/@fullcalendar/core/locales/ru.global.min.js static/vendor/fullcalendar/locale-ru.global.min.js
echo "vendored into static/vendor/"
