"""Benchmark harness for `make bench`: servers to compare, corpus generator, runner."""
