// Module LocalCluster: see ../../README.md and ../shared/design.md for its place in Doze.
enum LocalClusterModule {}
