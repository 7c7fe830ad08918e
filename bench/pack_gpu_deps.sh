#!/usr/bin/env bash
# bench/pack_gpu_deps.sh: run HERE (Debian 12, network for apt) before a GPU check. A lent GPU
# machine has a CUDA torch in python3 but none of tunedeck's other -dev packages and no network,
# so this downloads them as .debs and unpacks them into build/gpu-deps/ (a folder to `carry`).
# bench/device_check.sh builds against it. Not used by the normal build or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/gpu-deps
packages=(
  libsentencepiece-dev libsentencepiece0 libprotobuf-lite32
  libtoml11-dev nlohmann-json3-dev
  libncurses-dev libncursesw6 libtinfo6 libreadline-dev libreadline8
  libsqlite3-dev libsqlite3-0 libgtest-dev
)
rm -rf "$out" && mkdir -p "$out/debs"
(cd "$out/debs" && apt-get download "${packages[@]}")
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out"; done
rm -rf "$out/debs"
du -sh "$out"
