cargo run --release -p gil --bin gil_convoy -- --json
next to a CPU-bound thread, each short I/O operation waits about one switch interval (5 ms) for the GIL
