cargo run --release -p intro --bin when_not_to -- --json
a parallel sum against a serial one from 10² to 10⁸ numbers: below the crossover size, threads and rayon are slower
