#!/bin/sh
# Harness self-test only: a guest test that fails.
echo "  not ok - this test fails on purpose"
exit 3
