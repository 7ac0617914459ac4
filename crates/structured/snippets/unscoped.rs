use std::thread;

fn main() {
    let numbers: Vec<u64> = (1..=1000).collect();
    let mut handles = Vec::new();
    for chunk in numbers.chunks(250) {
        handles.push(thread::spawn(move || chunk.iter().sum::<u64>()));
    }
    let sums = handles.into_iter().map(|h| h.join().unwrap());
    println!("{}", sums.sum::<u64>());
}
