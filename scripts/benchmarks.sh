#!/usr/bin/env bash
# Runs every benchmark (JMH at 1 and 2 threads with -prof gc, the load-balancing simulation, propagation through
# a real etcd and ZooKeeper) and
# writes discovery-benchmarks/results/RESULTS.md. Takes about 18 minutes on 2 cores. Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
results=discovery-benchmarks/results
mkdir -p "$results"

mvn -B -q -Pbenchmarks -DskipTests install
jar=discovery-benchmarks/target/benchmarks.jar

java -jar "$jar" -t 1 -prof gc -rf json -rff "$results/jmh-t1.json" "$@" | tee "$results/jmh-t1.txt"
# Picker rebuilds happen on the one thread that publishes a view change: measured at 1 thread only.
java -jar "$jar" -t 2 -prof gc -e RebuildBenchmark -rf json -rff "$results/jmh-t2.json" "$@" | tee "$results/jmh-t2.txt"
java -cp "$jar" io.discovery.benchmarks.sim.Simulation 42 | tee "$results/simulation.md"
# Needs the etcd binary, as the tests do (./scripts/test.sh installs it).
java -cp "$jar" io.discovery.benchmarks.propagation.PropagationBenchmark "$results/propagation.md"

{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB;"
  echo "JDK: $(java -version 2>&1 | head -1); JMH 1.37, 3 warmup + 3 measured iterations of 1 s, 1 fork; $(date -u +%Y-%m-%d)."
  echo "Command: ./scripts/benchmarks.sh"
} > "$results/machine.txt"
java -cp "$jar" io.discovery.benchmarks.Report "$results/RESULTS.md" "$results/simulation.md" "$results/machine.txt" \
  "1=$results/jmh-t1.json" "2=$results/jmh-t2.json" \
  "rebuild-before=$results/before/rebuild.json" "least-connection-t2-before=$results/before/least-connection-t2.json" \
  "least-connection-t2-after=$results/before/least-connection-t2-after.json"
