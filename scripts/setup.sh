#!/usr/bin/env bash
# Installs the Debian packages StreamJepa needs on a fresh Debian 12 machine (idempotent).
#   libgtk-3-0  the OpenCV runtime (OpenCvSharp4.official.runtime.linux-x64) links against it
#   ffmpeg      the tests serve live HTTP streams with it
#   libjemalloc2  the allocator the launchers preload (scripts/allocator.sh)
# With --tests also:
#   chromium, chromium-driver  the browser test loads the live web view headless, through WebDriver
set -euo pipefail

packages=(libgtk-3-0 ffmpeg libjemalloc2)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium chromium-driver)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }
