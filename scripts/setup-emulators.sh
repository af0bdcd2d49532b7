#!/usr/bin/env bash
# Installs the local cloud emulators that Cordon forwards requests to: moto server (S3, DynamoDB, SQS and more) in a
# Python virtual environment, and Azurite (Azure blob, queue and table storage) as an npm package. Both go under the
# install root: `.build/` in this repository, or the directory the first argument names (relative to the repository
# root). A run that finds the pinned versions already installed changes nothing, so calling it before every build is
# cheap.
#
# Needs python3 (with the venv module) and Node.js 20 or newer with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

# moto 5.2.5 is the release the shim's forwarding was checked against; 5.2.6 is newer but unchecked. Azurite 3.35.0
# is the newest release that runs on Node.js 20: 3.36 requires Node.js 21 and 3.37 requires Node.js 22.
moto_version=5.2.5
azurite_version=3.35.0

root=${1:-.build}
mkdir -p "$root"
root=$(cd "$root" && pwd)
venv="$root/venv"
node_prefix="$root/node"

installed_moto() {
    "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true
}

# Running Azurite's --version loads all its modules, so an install that an interrupted npm left without some
# dependencies reports no version. --disableTelemetry is passed here too, so that not even this run reports usage.
installed_azurite() {
    node "$node_prefix/node_modules/azurite/dist/src/azurite.js" --disableTelemetry --version 2>/dev/null || true
}

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating a Python virtual environment in $venv"
    python3 -m venv "$venv"
fi

# moto's `server` extra brings flask and the other packages that `python -m moto.server` imports. A venv from an
# interrupted run may contain moto without them, so the check imports the server module instead of trusting the
# version alone.
moto_found=$(installed_moto)
if [[ $moto_found != "$moto_version" ]] || ! "$venv/bin/python" -c 'import moto.server' 2>/dev/null; then
    echo "installing moto[server]==$moto_version into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$moto_version"
    moto_found=$(installed_moto)
fi

azurite_found=$(installed_azurite)
if [[ $azurite_found != "$azurite_version" ]]; then
    echo "installing azurite@$azurite_version into $node_prefix"
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix" --save-exact --no-audit --no-fund --omit=dev --loglevel=error \
        "azurite@$azurite_version"
    azurite_found=$(installed_azurite)
fi

if [[ $moto_found != "$moto_version" || $azurite_found != "$azurite_version" ]]; then
    echo "setup-emulators.sh: expected moto $moto_version and azurite $azurite_version after installing, found" \
        "moto '${moto_found}' and azurite '${azurite_found}'" >&2
    exit 1
fi
echo "moto $moto_found: $venv/bin/python -m moto.server"
echo "azurite $azurite_found: $node_prefix/node_modules/azurite/dist/src/azurite.js"
