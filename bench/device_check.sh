#!/usr/bin/env bash
# bench/device_check.sh: the GPU check as one short script for a lent GPU machine (the
# `run` tool, with carry ["build/gpu-deps", "build/gpu-shared"]: bench/pack_gpu_deps.sh makes the
# first; the second is a copy of ../shared/models/stories260k, since ../shared does not travel). It
#  1. builds tunedeck against the machine's CUDA libtorch (python3's torch 2.x),
#  2. checks the stories260k goldens on CUDA in f32 (greedy ids must equal golden.json),
#  3. runs `tunedeck bench --device cuda --dtype bf16` on a random tinyllama-1.1b checkpoint and
#     bench/torch_greedy.py (a plain PyTorch greedy loop) on the same weights.
# Everything goes to $OUT/device_check.log (./device_check.log without $OUT). Not part of CI.
set -uo pipefail
cd "$(dirname "$0")/.."
log="${OUT:-.}/device_check.log"
exec > >(tee "$log") 2>&1
step() { echo; echo "=== $* ($(date +%T))"; }

shared=../shared
[ -d build/gpu-shared/models/stories260k ] && shared=build/gpu-shared

step "machine"
grep PRETTY_NAME /etc/os-release; ldd --version | head -1; g++ --version | head -1; cmake --version | head -1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
[ -d /usr/local/cuda/bin ] && export PATH="/usr/local/cuda/bin:$PATH"
command -v nvcc && nvcc --version | tail -1
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')

step "build against the CUDA libtorch"
deps=$PWD/build/gpu-deps
[ -d "$deps/usr" ] || { echo "no $deps: run bench/pack_gpu_deps.sh first and carry it"; exit 1; }
multiarch=usr/lib/x86_64-linux-gnu
export PKG_CONFIG_SYSROOT_DIR="$deps"
export PKG_CONFIG_PATH="$deps/$multiarch/pkgconfig:$deps/usr/share/pkgconfig"
export LD_LIBRARY_PATH="$deps/$multiarch:$torch_lib:${LD_LIBRARY_PATH:-}"
pkg_config=()
command -v pkg-config >/dev/null || pkg_config=(-DPKG_CONFIG_EXECUTABLE="$deps/usr/bin/pkgconf")
cmake -S . -B build-cuda -DCMAKE_BUILD_TYPE=Release -DTUNEDECK_BUILD_TESTS=OFF "${pkg_config[@]}" \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" \
  -DCMAKE_INCLUDE_PATH="$deps/usr/include" -DCMAKE_LIBRARY_PATH="$deps/$multiarch" ||
  { tail -40 build-cuda/CMakeFiles/CMakeError.log 2>/dev/null; exit 1; }
# -k: every compile error in one run (a lent machine's minutes are few).
cmake --build build-cuda -j"$(nproc)" --target tunedeck tunedeck_make_model -- -k || exit 1
td=build-cuda/bin/tunedeck

step "stories260k goldens on CUDA (f32, greedy ids)"
python3 - "$td" "$shared/models/stories260k" <<'PY'
import json, subprocess, sys
td, model = sys.argv[1], sys.argv[2]
golden = json.load(open(model + "/golden.json"))
failed = 0
for case in golden["cases"]:
    out = subprocess.run([td, "generate", "--model", model, "--device", "cuda",
                          "--prompt", case["prompt"], "--max-new-tokens", str(len(case["greedy_ids"])),
                          "--json"], capture_output=True, text=True)
    got = json.loads(out.stdout)["output_ids"] if out.returncode == 0 else out.stderr.strip()
    ok = got == case["greedy_ids"]
    failed += not ok
    print(("ok  " if ok else "FAIL"), repr(case["prompt"]), "" if ok else got)
print("goldens:", "all equal" if not failed else f"{failed} differ")
PY

step "random tinyllama-1.1b, bf16"
model=/tmp/tinyllama-bf16
build-cuda/bin/tunedeck_make_model --shape tinyllama-1.1b --dtype bf16 --out "$model" || exit 1

step "tunedeck bench --device cuda --dtype bf16"
timeout 240 "$td" bench --model "$model" --device cuda --dtype bf16 --prompt-tokens 128 --new-tokens 64 \
  --bandwidth-mib 4096 --matmul-size 4096

step "plain PyTorch greedy loop on the same weights (bench/torch_greedy.py)"
timeout 180 python3 bench/torch_greedy.py --model "$model" --device cuda --dtype bf16 \
  --prompt-tokens 128 --new-tokens 64
