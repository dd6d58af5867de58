#!/bin/sh
# One command from a fresh Debian 12 machine: dependencies, build, demo.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./scripts/demo.sh
