#!/usr/bin/env bash
# Runs the CPU backend's JMH benchmarks. Build them first (they are not part of mvn verify):
#   mvn -B -q -Pjmh -pl backends/cpu -am package -DskipTests
# then e.g.:
#   backends/cpu/bench/jmh.sh -f 1 -wi 3 -i 5 OpsBenchmark -p id=conv2d,matmul
#   backends/cpu/bench/jmh.sh GemmKernelBenchmark
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cp_file="$here/target/jmh-classpath.txt"
if [[ ! -f "$cp_file" || ! -d "$here/target/jmh-classes" ]]; then
  echo "jmh.sh: benchmarks not built; run: mvn -B -q -Pjmh -pl backends/cpu -am package -DskipTests" >&2
  exit 2
fi
exec "$java" --add-modules jdk.incubator.vector -cp "$here/target/jmh-classes:$here/target/classes:$(cat "$cp_file")" \
  org.openjdk.jmh.Main "$@"
