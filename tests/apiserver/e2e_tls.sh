#!/usr/bin/env bash
# e2e_tls.sh SERVER KUBECTL_DIR PYTHON: kubeshim-apiserver over HTTPS with the
# CA and certificate it generates at start, the kubeconfig it writes, and a
# bearer token; real kubectl 1.27 and 1.33 and curl as clients.
AS_BIN=$1
KDIR=$2
AS_PY=${3:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
command -v curl >/dev/null || { echo "SKIPPED: curl is not installed"; exit 77; }
AS_DIR=$(mktemp -d /tmp/as-tls-XXXXXX)
as_start "$AS_DIR/srv" --tls --token s3cret
trap 'as_stop; rm -rf "$AS_DIR"' EXIT
D=$AS_DIR
U=https://127.0.0.1:$AS_PORT

check_contains "kubeconfig is https" "server: https://127.0.0.1:$AS_PORT" "$D/srv/kubeconfig"
check_contains "kubeconfig has the CA" "certificate-authority-data: " "$D/srv/kubeconfig"
check_contains "kubeconfig has the token" 'token: "s3cret"' "$D/srv/kubeconfig"
for f in ca.crt server.crt server.key; do
    check "$f written" yes "$([ -s "$D/srv/$f" ] && echo yes)"
done
if command -v openssl >/dev/null; then
    openssl x509 -in "$D/srv/server.crt" -noout -text >"$D/cert.txt"
    check_contains "SAN has 127.0.0.1" "IP Address:127.0.0.1" "$D/cert.txt"
    check_contains "SAN has localhost" "DNS:localhost" "$D/cert.txt"
    check_rc "server.crt verifies against ca.crt" 0 openssl verify -CAfile "$D/srv/ca.crt" "$D/srv/server.crt"
fi
curl -s -o /dev/null "$U/version"
check "curl without the CA rejects the certificate" 60 "$?"
check "curl with the CA, public /version" 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/srv/ca.crt" "$U/version")"
check "no token: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/srv/ca.crt" "$U/api/v1/namespaces")"
check "token: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/srv/ca.crt" -H 'Authorization: Bearer s3cret' "$U/api/v1/namespaces")"
ran=0
for v in 1.27 1.33; do
    K=$KDIR/kubectl.$v
    [ -x "$K" ] || continue
    ran=1
    check_rc "kubectl $v over TLS" 0 "$K" get ns default -o name
    check "kubectl $v output" namespace/default "$(cat "$D/last.out")"
    check_rc "kubectl $v create" 0 "$K" create configmap "tls-$v" --from-literal=k=v
done
[ "$ran" = 1 ] || echo "note: no real kubectl, only curl was checked"
as_stop
# without --token, the kubeconfig still carries a token (kubectl would prompt otherwise)
as_start "$D/srv2" --tls
check_contains "token without --token" 'token: "kubeshim"' "$D/srv2/kubeconfig"
if [ -x "$KDIR/kubectl.1.33" ]; then
    check_rc "kubectl without --token" 0 "$KDIR/kubectl.1.33" get ns kube-system -o name </dev/null
fi
as_done
