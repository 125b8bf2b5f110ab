#!/usr/bin/env bash
exec hack/verify-deploy
