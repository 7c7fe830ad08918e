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
  pkgconf pkgconf-bin libpkgconf3  # in case the GPU machine has no pkg-config
)
rm -rf "$out" && mkdir -p "$out/debs"
(cd "$out/debs" && apt-get download "${packages[@]}")
for deb in "$out"/debs/*.deb; do dpkg-deb -x "$deb" "$out"; done
rm -rf "$out/debs"
# One tree under usr/ (bookworm still ships some libraries in /lib), and the absolute symlinks of
# the -dev packages (libreadline.so -> /lib/x86_64-linux-gnu/libreadline.so.8) pointed inside it:
# the GPU machine's own /lib may lack them.
if [ -d "$out/lib" ]; then cp -a "$out/lib/." "$out/usr/lib/" && rm -rf "$out/lib"; fi
find "$out" -type l -lname '/*' | while read -r link; do
  target=$(readlink "$link")
  ln -sfr "$out/usr/${target#/usr/}" "$link"
done
du -sh "$out"
