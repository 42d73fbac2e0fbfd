#!/usr/bin/env bash
# e2e.sh KUBESHIM PYTHON3 [FRONT] [ARGV0STUB]: the dispatcher end to end. kubeshim is copied into
# a temp dir as `kubectl` beside stub kubectl.1.27..1.33 scripts (they print
# their name, argv and stdin), with HOME, config paths, the system path and
# the cache all inside the temp dir, against versrv.py on 127.0.0.1. With
# FRONT, the libcurl-free front end is `kubectl` and kubeshim sits beside it.
set -u
KS=${1:?kubeshim binary}
PY=${2:-python3}
FRONT=${3:-}
ARGV0STUB=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/ks-dispatch-e2e.XXXXXX)
SRV=
SRV2=
pass=0 fail=0
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null
    [ -n "$SRV2" ] && kill "$SRV2" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"; }
check() { # check "what" command...
    local what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
ran() { grep -qx "name=$1" "$T/out"; }
nreq() { grep -c ' /version' "$T/req.log" 2>/dev/null || true; }
nerr() { wc -l < "$T/err"; }

mkdir -p "$T/bin" "$T/home" "$T/sys" "$T/state" "$T/mirror" "$T/plug"
cp "${FRONT:-$KS}" "$T/bin/kubectl"
cp "$KS" "$T/bin/kubeshim"
for m in 27 28 29 30 31 32 33; do
    cat > "$T/bin/kubectl.1.$m" <<'STUB'
#!/bin/sh
printf 'name=%s\n' "${0##*/}"
i=1
for a in "$@"; do
    printf 'arg%d=[%s]\n' "$i" "$a"
    case "$a" in --kubeconfig=*) printf 'kubeconfig-bytes=%s\n' "$(wc -c < "${a#--kubeconfig=}")";; esac
    i=$((i + 1))
done
printf 'stdin=['; cat; printf ']\n'
[ -n "${STUB_ENV:-}" ] && env | grep -v '^_=' > "$STUB_ENV"
exit "${STUB_EXIT:-0}"
STUB
    chmod 755 "$T/bin/kubectl.1.$m"
done

"$PY" "$HERE/versrv.py" --port-file "$T/port" --log "$T/req.log" --state "$T/state" \
    --mirror "$T/mirror" &
SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
P=$(cat "$T/port")
URL="http://127.0.0.1:$P"
# A TLS twin for credentials (kubectl sends credentials only over TLS).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null
"$PY" "$HERE/versrv.py" --port-file "$T/port2" --log "$T/req.log" --state "$T/state" \
    --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" &
SRV2=$!
for _ in $(seq 100); do [ -s "$T/port2" ] && break; sleep 0.05; done
TLSURL="https://127.0.0.1:$(cat "$T/port2")"

cat > "$T/kc.json" <<EOF2
{"apiVersion": "v1", "kind": "Config", "current-context": "a",
 "clusters": [{"name": "a", "cluster": {"server": "$URL"}},
              {"name": "dead", "cluster": {"server": "http://127.0.0.1:1"}},
              {"name": "tls", "cluster": {"server": "$TLSURL", "certificate-authority": "$T/tls.crt"}}],
 "contexts": [{"name": "a", "context": {"cluster": "a", "user": "u"}},
              {"name": "dead", "context": {"cluster": "dead", "user": "u"}},
              {"name": "plug", "context": {"cluster": "tls", "user": "p"}}],
 "users": [{"name": "u", "user": {}},
           {"name": "p", "user": {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
               "command": "$T/plug/cred", "interactiveMode": "Never"}}}]}
EOF2

export HOME="$T/home" KUBECONFIG="$T/kc.json" KUBESHIM_SYSTEM_CONFIGS="" KUBERLR_SYSTEMPATH="$T/sys"
export KUBESHIM_CACHE_DIR="$T/cache" KUBERLR_ALLOWDOWNLOAD=false KUBESHIM_CACHE_TTL=0
export PATH="$T/bin:$T/plug:/usr/bin:/bin"
unset KUBERLR_CFG KUBESHIM_KUBECTL KUBESHIM_RESOLVING KUBERLR_RESOLVING_VERSION KUBESHIM_POLICY
unset KUBESHIM_PROBE_TIMEOUT KUBESHIM_QUIET XDG_CACHE_HOME

k() { : > "$T/req.log"; "$T/bin/kubectl" "$@" < /dev/null > "$T/out" 2> "$T/err"; echo $? > "$T/rc"; }
ver() { printf '%s\n' "$1" > "$T/state/version"; }

# 1. The exact minor.
ver v1.30.2
k get ns
check "server 1.30 runs kubectl.1.30" ran kubectl.1.30
check "one probe" [ "$(nreq)" = 1 ]
check "no warning" [ "$(nerr)" = 0 ]

# 2. Nearest within +-1, unless the policy is exact.
ver v1.34.0; k get ns
check "1.34 runs 1.33" ran kubectl.1.33
check "1.34: no warning" [ "$(nerr)" = 0 ]
ver v1.26.15; k get ns
check "1.26 runs 1.27" ran kubectl.1.27
KUBESHIM_POLICY=exact k get ns
check "exact: 1.26 falls back to the newest" ran kubectl.1.33
check "exact: one warning line" [ "$(nerr)" = 1 ]
check "exact: the warning says why" grep -q '^kubeshim: warning: no kubectl within the exact policy for server v1.26.15' "$T/err"
ver v1.29.0; KUBESHIM_POLICY=newest k get ns
check "newest: 1.29 runs 1.30" ran kubectl.1.30

# 3. Out of range: fallback with one warning.
ver v1.40.0; k get ns
check "1.40 falls back to 1.33" ran kubectl.1.33
check "1.40: exactly one warning line" [ "$(nerr)" = 1 ]
check "1.40: warning names the server and the binary" grep -q "v1.40.0.*running kubectl 1.33 ($T/bin/kubectl.1.33)" "$T/err"
KUBERLR_USELATESTIFNOCOMPATIBLE=false k get ns
check "UseLatestIfNoCompatible=false: an error, no exec" [ "$(cat "$T/rc")" = 1 ]
check "UseLatestIfNoCompatible=false: says so" grep -q "UseLatestIfNoCompatible is false" "$T/err"

# 4. Suffixed versions.
ver v1.31.4-gke.1200; k get ns; check "gke suffix" ran kubectl.1.31
ver v1.29.3+k3s1; k get ns; check "k3s suffix" ran kubectl.1.29
ver v1.28.9-eks-036c24b; k get ns; check "eks suffix" ran kubectl.1.28
ver '{"major": "1", "minor": "32+", "gitVersion": "not-a-version"}'; k get ns
check "minor 32+ with a broken gitVersion" ran kubectl.1.32
ver '{"major": "1", "minor": "29", "gitVersion": "v1.31.0"}'; k get ns
check "gitVersion wins over a stale minor field" ran kubectl.1.31
ver '{"major": "", "minor": ""}'; k get ns
check "unparsable version: fallback" ran kubectl.1.33
check "unparsable version: one warning" [ "$(nerr)" = 1 ]

# 5. argv, stdin and the exit status pass through unchanged.
ver v1.30.2
: > "$T/req.log"
printf 'line one\nline "two"\n' | STUB_EXIT=7 "$T/bin/kubectl" get "a b" "it's" 'say "hi"' '' '$HOME' \
    > "$T/out" 2> "$T/err"
echo $? > "$T/rc"
check "exit status 7" [ "$(cat "$T/rc")" = 7 ]
check "argv with spaces" grep -qx 'arg2=\[a b\]' "$T/out"
check "argv with a quote" grep -qx "arg3=\[it's\]" "$T/out"
check "argv with double quotes" grep -qx 'arg4=\[say "hi"\]' "$T/out"
check "empty argument" grep -qx 'arg5=\[\]' "$T/out"
check "no expansion" grep -qx 'arg6=\[$HOME\]' "$T/out"
check "stdin" [ "$(sed -n '/^stdin=/,$p' "$T/out")" = "$(printf 'stdin=[line one\nline "two"\n]')" ]

# The environment reaches kubectl unchanged (in order), after a probe that ran with the guard set.
STUB_ENV="$T/env" "$T/bin/kubectl" get ns < /dev/null > /dev/null 2>&1
mv "$T/env" "$T/env.via"
STUB_ENV="$T/env" "$T/bin/kubectl.1.30" get ns < /dev/null > /dev/null 2>&1
check "environment unchanged" cmp -s "$T/env.via" "$T/env"
check "environment: no guard variable leaks" [ -z "$(grep KUBESHIM_RESOLVING "$T/env.via")" ]

# argv[0] stays as invoked (a compiled stub can see it).
if [ -n "$ARGV0STUB" ]; then
    mv "$T/bin/kubectl.1.30" "$T/stub.sh"
    cp "$ARGV0STUB" "$T/bin/kubectl.1.30"
    k get ns
    check "argv[0] unchanged" grep -qx "argv0=\[$T/bin/kubectl\]" "$T/out"
    mv "$T/stub.sh" "$T/bin/kubectl.1.30"
fi

# 6. The version cache: a second command within the lifetime sends no request.
export KUBESHIM_CACHE_TTL=300
ver v1.30.2; k get ns; check "cache miss probes" [ "$(nreq)" = 1 ]
k get pods; check "cache hit: no request" [ "$(nreq)" = 0 ]
check "cache hit: same binary" ran kubectl.1.30
k completion bash; check "local command, cached version: no request" [ "$(nreq)" = 0 ]
check "local command uses the cached version" ran kubectl.1.30
ver v1.31.1; k get pods
check "within the lifetime the cached version rules" ran kubectl.1.30
k version; check "kubectl version bypasses and refreshes the cache" [ "$(nreq)" = 1 ]
check "kubectl version runs the new minor" ran kubectl.1.31
k get ns; check "refreshed entry: no request" [ "$(nreq)" = 0 ]
check "refreshed entry: the new minor" ran kubectl.1.31
KUBESHIM_CACHE_TTL=0 k get ns; check "cache_ttl 0 probes" [ "$(nreq)" = 1 ]
export KUBESHIM_CACHE_TTL=0

# 7. Local-only commands send no request at all.
for cmd in "version --client" "completion bash" "config view" "--context a config view" \
    "-n x completion zsh" "__complete get ''" "help" "get -h" "plugin list" "kustomize ."; do
    eval "k $cmd"
    check "no request: $cmd" [ "$(nreq)" = 0 ]
    check "no warning: $cmd" [ "$(nerr)" = 0 ]
done
ver v1.30.2

# Flags anywhere select the cluster that is probed.
k get ns --context dead
check "--context after the command: probed the dead cluster, warned" grep -q 'cannot get the server version' "$T/err"
check "--context dead: no request to the live server" [ "$(nreq)" = 0 ]
k -s "$URL" --context dead get ns
check "-s overrides the context's server" ran kubectl.1.30

# No cluster configured at all: no probe of localhost:8080, no warning.
KUBECONFIG="$T/none.json" k create deployment x --image=y --dry-run=client -o yaml
check "no kubeconfig: no warning" [ "$(nerr)" = 0 ]
check "no kubeconfig: the newest kubectl" ran kubectl.1.33

# A piped kubeconfig is not consumed.
: > "$T/req.log"
"$T/bin/kubectl" --kubeconfig=<(cat "$T/kc.json") get ns < /dev/null > "$T/out" 2> "$T/err"
check "piped kubeconfig: kubectl still reads all of it" grep -qx "kubeconfig-bytes=$(wc -c < "$T/kc.json")" "$T/out"
check "piped kubeconfig: one warning" [ "$(nerr)" = 1 ]

# Plugins go to a kubectl without a probe.
printf '#!/bin/sh\necho plugin\n' > "$T/plug/kubectl-hello"; chmod 755 "$T/plug/kubectl-hello"
k hello world; check "plugin: no request" [ "$(nreq)" = 0 ]
check "plugin: handed to a kubectl" ran kubectl.1.33

# 8. A server that accepts and never answers costs no more than the probe timeout.
touch "$T/state/hang"
t0=$(date +%s%N); k get ns; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "hang: fallback ran" ran kubectl.1.33
echo "info: hanging server, default 2 s probe timeout: $ms ms"
check "hang: within the 2 s probe timeout (+1 s for a loaded machine) ($ms ms)" [ "$ms" -lt 3000 ]
check "hang: one warning line" [ "$(nerr)" = 1 ]
t0=$(date +%s%N); KUBESHIM_PROBE_TIMEOUT=0.3 k get ns; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "hang: a 0.3 s probe timeout ($ms ms)" [ "$ms" -lt 1300 ]
t0=$(date +%s%N); k --context a completion bash; t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "hang: completion is not delayed ($ms ms)" [ "$ms" -lt 1000 ]
check "hang: completion sent nothing" [ "$(nreq)" = 0 ]
rm -f "$T/state/hang"

# 9. An exec credential plugin runs at most once, and a nested kubectl never loops.
cat > "$T/plug/cred" <<EOF2
#!/bin/sh
echo run >> "$T/plug/count"
"$T/bin/kubectl" get-token > "$T/plug/nested.out" 2>&1 < /dev/null
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"s3cret"}}\n'
EOF2
chmod 755 "$T/plug/cred"
runs() { [ -f "$T/plug/count" ] && wc -l < "$T/plug/count" || echo 0; }
k --context plug get ns
check "anonymous /version: the plugin never runs" [ "$(runs)" = 0 ]
check "anonymous /version: kubectl.1.30" ran kubectl.1.30
echo s3cret > "$T/state/token"
rm -rf "$T/cache/version"
: > "$T/req.log"
KUBESHIM_CACHE_TTL=300 timeout 20 "$T/bin/kubectl" --context plug get ns < /dev/null > "$T/out" 2> "$T/err"
check "401 then credentials: the plugin ran once" [ "$(runs)" = 1 ]
check "401 then credentials: two requests, the second with a token" \
    [ "$(grep -c '/version' "$T/req.log")" = 2 -a "$(grep -c '/version.*Bearer' "$T/req.log")" = 1 ]
check "401 then credentials: kubectl.1.30" ran kubectl.1.30
check "the nested kubectl from the plugin did not probe (recursion guard)" \
    grep -qx 'name=kubectl.1.33' "$T/plug/nested.out"
: > "$T/req.log"
KUBESHIM_CACHE_TTL=300 "$T/bin/kubectl" --context plug get ns < /dev/null > "$T/out" 2> "$T/err"
check "cached: the plugin did not run again" [ "$(runs)" = 1 ]
rm -f "$T/state/token"

# 10. Downloads from a loopback mirror: verified, and a bad checksum leaves nothing.
case $(uname -m) in x86_64) arch=amd64;; aarch64) arch=arm64;; *) arch=$(uname -m);; esac
d="$T/mirror/release/v1.45.0/bin/linux/$arch"; mkdir -p "$d"
printf '#!/bin/sh\necho name=evil\n' > "$d/kubectl"
echo 0000000000000000000000000000000000000000000000000000000000000000 > "$d/kubectl.sha256"
ver v1.45.0
KUBERLR_ALLOWDOWNLOAD=true KUBERLR_KUBEMIRRORURL="$URL" k get ns
check "bad checksum: refused, fallback" ran kubectl.1.33
check "bad checksum: one warning naming it" grep -q 'checksum mismatch' "$T/err"
check "bad checksum: one line" [ "$(nerr)" = 1 ]
check "bad checksum: nothing left behind" [ -z "$(ls -A "$T/cache/bin" | grep -v '^.lock$')" ]
KUBERLR_ALLOWDOWNLOAD=true KUBERLR_KUBEMIRRORURL="http://127.0.0.1:1" k get ns
check "unreachable mirror: fallback" ran kubectl.1.33
check "unreachable mirror: one warning" [ "$(nerr)" = 1 ]
check "unreachable mirror: says the download failed" grep -q 'download failed' "$T/err"
d="$T/mirror/release/v1.40.2/bin/linux/$arch"; mkdir -p "$d"
printf '#!/bin/sh\necho name=downloaded-1.40.2\n' > "$d/kubectl"
sha256sum "$d/kubectl" | cut -d' ' -f1 > "$d/kubectl.sha256"
ver v1.40.2-gke.3
KUBERLR_ALLOWDOWNLOAD=true KUBERLR_KUBEMIRRORURL="$URL/" k get ns
check "download: ran the downloaded kubectl" ran downloaded-1.40.2
check "download: no warning" [ "$(nerr)" = 0 ]
check "download: mode 0755" [ "$(stat -c %a "$T/cache/bin/kubectl1.40.2")" = 755 ]
check "download: fetched binary and checksum" [ "$(grep -c '^GET /release/' "$T/req.log")" = 2 ]
k get ns
check "download: found in the cache next time (downloads off)" ran downloaded-1.40.2
rm -f "$T/cache/bin/kubectl1.40.2"
# Two commands download at once: one download, both run the whole file.
d="$T/mirror/release/v1.42.1/bin/linux/$arch"; mkdir -p "$d"
{ printf '#!/bin/sh\necho name=downloaded-1.42.1\nexit 0\n'; head -c 4000000 /dev/zero | tr '\0' '#'; } > "$d/kubectl"
sha256sum "$d/kubectl" | cut -d' ' -f1 > "$d/kubectl.sha256"
ver v1.42.1
: > "$T/req.log"
pids=
for n in 1 2; do
    KUBERLR_ALLOWDOWNLOAD=true KUBERLR_KUBEMIRRORURL="$URL" "$T/bin/kubectl" get ns \
        < /dev/null > "$T/par$n" 2>&1 &
    pids="$pids $!"
done
wait $pids
check "concurrent downloads: both ran it" [ "$(cat "$T/par1" "$T/par2" | grep -c '^name=downloaded-1.42.1$')" = 2 ]
check "concurrent downloads: fetched once" [ "$(grep -c '^GET /release/v1.42.1/bin/linux/[a-z0-9]*/kubectl ' "$T/req.log")" = 1 ]
check "concurrent downloads: the whole file" cmp -s "$d/kubectl" "$T/cache/bin/kubectl1.42.1"
rm -f "$T/cache/bin/kubectl1.42.1"

# Candidates: beside the invoked path (a symlink), beside the real executable,
# kuberlr's ~/.kuberlr/<os>-<arch>/ and SystemPath; the policy from kuberlr.conf.
mkdir -p "$T/link" "$T/home/.kuberlr/linux-$arch"
ln -s "$T/bin/kubectl" "$T/link/kubectl"
cp "$T/bin/kubectl.1.33" "$T/link/kubectl.1.34"
cp "$T/bin/kubectl.1.33" "$T/home/.kuberlr/linux-$arch/kubectl1.35.1"
cp "$T/bin/kubectl.1.33" "$T/sys/kubectl1.36"
kl() { : > "$T/req.log"; "$T/link/kubectl" "$@" < /dev/null > "$T/out" 2> "$T/err"; }
ver v1.34.1; kl get ns; check "beside the invoked symlink: kubectl.1.34" ran kubectl.1.34
ver v1.30.1; kl get ns; check "beside the real executable: kubectl.1.30" ran kubectl.1.30
ver v1.35.0; k get ns; check "kuberlr dir: kubectl1.35.1" ran kubectl1.35.1
ver v1.36.3; k get ns; check "SystemPath: kubectl1.36" ran kubectl1.36
printf '# kubeshim settings\n[kubeshim]\npolicy = "exact"\n' > "$T/home/.kuberlr/kuberlr.conf"
ver v1.37.0; k get ns; check "exact policy from kuberlr.conf: no 1.36 for 1.37" ran kubectl1.36
check "exact policy from kuberlr.conf: warned" grep -q 'exact policy' "$T/err"
printf 'AllowDownload = maybe\n' > "$T/home/.kuberlr/kuberlr.conf"
k get ns
check "a broken kuberlr.conf: one line naming file and line" \
    grep -qx "error: kubeshim: $T/home/.kuberlr/kuberlr.conf:1: invalid value \"maybe\"" "$T/err"
check "a broken kuberlr.conf: exit 1" [ "$(cat "$T/rc")" = 1 ]
rm -rf "$T/link" "$T/home/.kuberlr" "$T/sys/kubectl1.36"

ver v1.30.2; KUBESHIM_VERBOSE=1 k get ns
check "KUBESHIM_VERBOSE: one line naming the binary and why" \
    grep -q "^kubeshim: running $T/bin/kubectl.1.30 (exact minor" "$T/err"
ver v1.40.0; KUBESHIM_QUIET=1 k get ns
check "KUBESHIM_QUIET: no warning" [ "$(nerr)" = 0 ]
check "KUBESHIM_QUIET: still the fallback" ran kubectl.1.33

# No versioned kubectl anywhere: the first kubectl on PATH that is not kubeshim (two
# copies of kubeshim earlier on PATH would exec each other for ever).
mkdir -p "$T/lone" "$T/other" "$T/other2" "$T/last"
cp "$T/bin/kubectl" "$T/lone/kubectl"
cp "$T/bin/kubeshim" "$T/lone/kubeshim"
cp "$T/bin/kubeshim" "$T/other/kubectl"
cp "$T/bin/kubeshim" "$T/other2/kubectl"
printf '#!/bin/sh\necho last-resort\n' > "$T/last/kubectl"; chmod 755 "$T/last/kubectl"
rm -rf "$T/cache/bin"
PATH="$T/other:$T/other2:$T/last:/usr/bin:/bin" timeout 20 "$T/lone/kubectl" get ns < /dev/null > "$T/out" 2> "$T/err"
check "no versioned kubectl: the first non-kubeshim kubectl on PATH" grep -qx last-resort "$T/out"

# KUBESHIM_KUBECTL forces a binary; which explains.
ver v1.30.2
KUBESHIM_KUBECTL="$T/bin/kubectl.1.28" k get ns; check "KUBESHIM_KUBECTL" ran kubectl.1.28
check "KUBESHIM_KUBECTL: no request" [ "$(nreq)" = 0 ]
: > "$T/req.log"
"$T/bin/kubectl" version >/dev/null 2>&1 </dev/null
"$T/bin/kubectl" get ns >/dev/null 2>&1 </dev/null
out=$("$T/bin/kubeshim" which --explain get ns 2>&1)
echo "$out" > "$T/out"; : > "$T/err"
check "which: the chosen binary" grep -q "^kubectl: *$T/bin/kubectl.1.30" "$T/out"
check "which: the server version" grep -q "^server: *$URL v1.30.2" "$T/out"
check "which: candidates listed" [ "$(grep -c 'beside' "$T/out")" = 7 ]
out=$("$T/bin/kubeshim" which get ns 2>&1)
check "which: one line" [ "$out" = "$T/bin/kubectl.1.30" ]
"$T/bin/kubeshim" version > "$T/out" 2> "$T/err"
check "kubeshim version: its own" grep -q "^kubeshim version: " "$T/out"
check "kubeshim version: the server's" grep -q "^Server Version: v1.30.2 ($URL)" "$T/out"
"$T/bin/kubeshim" bins > "$T/out" 2> "$T/err"
check "bins: all seven" [ "$(grep -c 'kubectl\.1\.' "$T/out")" = 7 ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
