#!/usr/bin/env bash
# Installs the Debian packages ecograph needs (run as root, or with sudo available).
#   default-jre-headless     HermiT (through owlready2) checks the ontology's consistency
#   chromium, chromium-driver  browser tests and screenshots of the viewer
#   wrk                      HTTP load benchmarks (bench/)
#   virtuoso-opensource-7-bin  the remote-store tests against a real Virtuoso server
# Skips the install when every package is already there.
set -euo pipefail
PACKAGES=(default-jre-headless chromium chromium-driver wrk virtuoso-opensource-7-bin)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all Debian packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
