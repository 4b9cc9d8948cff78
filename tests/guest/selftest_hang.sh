#!/bin/sh
# Harness self-test only: a guest test that never finishes.
echo "  hanging on purpose"
while :; do sleep 1000; done
