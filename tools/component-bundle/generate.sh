#!/usr/bin/env bash
# Regenerates src/main/resources/dapr/component-metadata.json from a checkout of dapr/components-contrib and one of
# dapr/dapr, at the releases named in tools/component-bundle/dapr-reads.yaml (source block), plus that file.
#
#   tools/component-bundle/generate.sh CONTRIB_DIR DAPR_DIR [OUTPUT]
#
# OUTPUT defaults to the shipped resource. Then review the diff (git diff --stat; git diff) and run the tests.
# For a new Dapr release: check out the new tags, update the source block of dapr-reads.yaml, run this; the generator
# stops on every required field that has no entry under requirements and on every entry that no longer matches, so
# what changed is read in the code before it is reported.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ]; then
  echo "usage: $0 CONTRIB_DIR DAPR_DIR [OUTPUT]" >&2
  exit 2
fi
out="${3:-src/main/resources/dapr/component-metadata.json}"
./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bundle-generator.classpath
java -cp "target/test-classes:target/classes:$(cat target/bundle-generator.classpath)" \
  io.daprguard.tools.bundle.ComponentBundleGenerator --contrib "$1" --dapr "$2" \
  --reads tools/component-bundle/dapr-reads.yaml -o "$out"
