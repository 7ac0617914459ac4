cargo run --release -p coroutines --bin lazy_range -- --json
a Vec of 10⁷ numbers built up front against an Iterator computed on demand: time and peak memory; itertools in a generator pipeline
