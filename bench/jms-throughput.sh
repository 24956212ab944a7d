#!/usr/bin/env bash
# JMS intake throughput for one and for two relay instances on one Artemis broker; see bench/README.md.
#   bench/jms-throughput.sh [N=5000] [MAX_INSTANCES=2] [INTAKE_CONCURRENCY=4] [DELIVERY_CONCURRENCY=4]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
# -Dstyle.color=never and the sed: without them Maven wraps the output in ANSI colour codes, which break the first
# and last class path entries
CP=$(mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
  | sed 's/\x1b\[[0-9;]*m//g')
exec java -cp "target/test-classes:target/classes:$CP" dev.oauthsmtprelay.bench.JmsBench \
  "${1:-5000}" "${2:-2}" "${3:-4}" "${4:-4}"
