#!/usr/bin/env bash
# Installs the Debian packages MRM needs outside Python, when they are missing:
# Chromium for the browser tests, gettext for translations, and the fonts and
# libraries WeasyPrint renders PDFs with (DejaVu covers Cyrillic and ₽), and
# poppler-utils (pdftoppm) for the previews of PDF materials.
set -euo pipefail
want=()
command -v msgfmt >/dev/null 2>&1 || want+=(gettext)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || want+=(chromium)
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || want+=("$pkg")
done
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "MRM needs these system packages: ${want[*]}" >&2
  echo "Install them with your package manager (Debian/Ubuntu: sudo apt-get install ${want[*]})." >&2
  exit 1
fi
echo "==> Installing system packages: ${want[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
