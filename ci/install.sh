#!/usr/bin/env bash
# Install phase of ci/buildspec.yml: the project's npm dependencies, then Terraform pinned by
# version *and* by the SHA-256 of its release zip.
#
#   TERRAFORM_VERSION      Terraform version (default 1.11.4)
#   TERRAFORM_SHA256       expected SHA-256 of the zip (default: the value pinned below for the version;
#                          a version without a pinned value needs it, or nothing is installed)
#   TERRAFORM_URL          where to download the zip (default: releases.hashicorp.com; file:// works)
#   TERRAFORM_INSTALL_DIR  where the binary goes (default /usr/local/bin)
#   SKIP_NPM_CI=1          skip `npm ci` (tests of the Terraform step)
#
# A zip whose hash differs from the expected one is refused loudly (expected and actual hash on
# stderr, exit 1) and nothing is installed.
set -euo pipefail

# SHA-256 of terraform_<version>_linux_amd64.zip, from HashiCorp's terraform_<version>_SHA256SUMS
# (https://releases.hashicorp.com/terraform/<version>/). To add a version, copy its line from that
# file after checking the file's signature (terraform_<version>_SHA256SUMS.sig, HashiCorp's key).
pinned_sha256() {
  case "$1" in
    1.11.4) echo 1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc ;;
    *) return 1 ;;
  esac
}

fail() {
  printf 'install: error: %s\n' "$*" >&2
  exit 1
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ${SKIP_NPM_CI:-} == 1 ]]; then
  echo "install: SKIP_NPM_CI=1: not running npm ci" >&2
else
  npm ci --no-audit --no-fund
fi

version="${TERRAFORM_VERSION:-1.11.4}"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-a-z0-9.]*)?$ ]] || fail "TERRAFORM_VERSION='$version' is not a Terraform version (e.g. 1.11.4)"
expected="${TERRAFORM_SHA256:-$(pinned_sha256 "$version" || true)}"
if [[ -z $expected ]]; then
  fail "no SHA-256 is pinned for Terraform $version: set TERRAFORM_SHA256 to the linux_amd64 line of https://releases.hashicorp.com/terraform/$version/terraform_${version}_SHA256SUMS (after checking its signature), or pin it in ci/install.sh. Nothing was installed."
fi
expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
[[ $expected =~ ^[0-9a-f]{64}$ ]] || fail "TERRAFORM_SHA256='$expected' is not a SHA-256 (64 hex characters). Nothing was installed."
url="${TERRAFORM_URL:-https://releases.hashicorp.com/terraform/$version/terraform_${version}_linux_amd64.zip}"
dest="${TERRAFORM_INSTALL_DIR:-/usr/local/bin}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install: downloading Terraform $version from $url" >&2
curl -fsSL --retry 3 -o "$work/terraform.zip" "$url" || fail "could not download $url. Nothing was installed."
actual="$(sha256sum "$work/terraform.zip" | cut -d ' ' -f 1)"
if [[ $actual != "$expected" ]]; then
  fail "SHA-256 mismatch for $url: expected $expected, actual $actual. Refusing to install it; nothing was installed."
fi
echo "install: SHA-256 $actual verified" >&2

unzip -q "$work/terraform.zip" terraform -d "$work/unpacked" || fail "$url holds no 'terraform' binary. Nothing was installed."
reported="$(CHECKPOINT_DISABLE=1 "$work/unpacked/terraform" version 2>/dev/null || true)"
[[ ${reported%%$'\n'*} == "Terraform v$version" ]] ||
  fail "the binary in $url reports '${reported%%$'\n'*}', not 'Terraform v$version'. Nothing was installed."
mkdir -p "$dest"
install -m 0755 "$work/unpacked/terraform" "$dest/.terraform.partial.$$"
mv -f "$dest/.terraform.partial.$$" "$dest/terraform"
echo "install: Terraform $version installed at $dest/terraform" >&2
