#!/bin/sh
# Builds tests/vcsim/main.go offline in GOPATH mode against Debian's govmomi sources.
# usage: build-vcsim.sh GO MAIN.go OUTPUT WORKDIR
# GOCACHE and GOPATH live in WORKDIR: HOME may not be writable.
set -eu
go=$1 main=$2 output=$3 work=$4
case $output in /*) ;; *) output=$(pwd)/$output ;; esac
mkdir -p "$work/src/vcsimtest" "$work/cache"
cp "$main" "$work/src/vcsimtest/main.go"
cd "$work"
GO111MODULE=off GOPATH="$work:/usr/share/gocode" GOCACHE="$work/cache" GOFLAGS= \
  "$go" build -o "$output" vcsimtest
