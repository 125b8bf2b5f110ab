#!/usr/bin/env bash
# The `doze` executable (not only the test binary) gives URLSession a custom CA and a client
# certificate: a kubeconfig written by kubectl, an openssl PKI, and a Python server that requires
# a client certificate; `doze kubeconfig view --check` must print the server's gitVersion, and
# must fail without the client certificate.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --product doze >/dev/null
doze=$(swift build --show-bin-path)/doze
kubectl=$(dirname "$(readlink -f "$(which kubectl)")")/kubectl.1.33
dir=$(mktemp -d)
server=
cleanup() { if [ -n "$server" ]; then kill -9 "$server"; wait "$server" || true; fi 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
( cd "$dir"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
  printf 'extendedKeyUsage=clientAuth\n' >client.ext
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=doze-test-ca
  for n in server client; do
    openssl req "${ec[@]}" -keyout $n.key -out $n.csr -subj /CN=$n
    openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out $n.pem -extfile $n.ext
  done ) >/dev/null 2>&1

python3 hack/test.d/20-kubeclient-tls-server.py "$dir" >"$dir/port" &
server=$!
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
port=$(cat "$dir/port")

cfg=$dir/config
$kubectl config set-cluster t --server="https://127.0.0.1:$port" --certificate-authority="$dir/ca.pem" --embed-certs --kubeconfig "$cfg" >/dev/null
$kubectl config set-credentials u --client-certificate="$dir/client.pem" --client-key="$dir/client.key" --kubeconfig "$cfg" >/dev/null
$kubectl config set-context t --cluster=t --user=u --kubeconfig "$cfg" >/dev/null
$kubectl config set-context anonymous --cluster=t --kubeconfig "$cfg" >/dev/null
$kubectl config use-context t --kubeconfig "$cfg" >/dev/null

out=$("$doze" kubeconfig view --kubeconfig "$cfg" --check)
echo "$out"
grep -q '^version: *v1.99.0-doze$' <<<"$out"
grep -q '^auth: *client certificate$' <<<"$out"
if "$doze" kubeconfig view --kubeconfig "$cfg" --context anonymous --check; then
  echo "FAIL: the server requires a client certificate, yet the check passed"; exit 1
fi
echo "20-kubeclient-tls: ok"
